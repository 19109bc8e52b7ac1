import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../../src/adapters/memory/memory-incident-store.js';
import { MemoryLedger } from '../../../src/adapters/memory/memory-ledger.js';
import { RedisMessageRefs } from '../../../src/adapters/redis/redis-message-refs.js';
import { SlackIncidentPublisher } from '../../../src/adapters/slack/slack-incident-publisher.js';
import { webApiMessenger } from '../../../src/adapters/slack/slack-messenger.js';
import { transitionIncident } from '../../../src/app/transition-incident.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { describeIncidentNotifierContract } from '../../app/ports/incident-notifier.contract.js';
import { POLICY, U_SRE } from '../../domain/fixtures.js';
import { INCIDENT } from '../../support/incident.js';
import { useTestRedis } from '../../support/redis.js';
import { textOf } from '../../support/slack-find.js';
import { INCIDENT_CHANNEL, startSlackPublishers } from '../../support/slack-publishers.js';
import { useTeardown } from '../../support/teardown.js';
import { webClientOn } from '../../support/web-client.js';

const testRedis = useTestRedis();
const teardown = useTeardown();

describeIncidentNotifierContract('slack', async () => {
  const slack = await startSlackPublishers(testRedis(), teardown);
  return {
    notifier: slack.incidentNotices,
    standIn: slack.standIn,
    incidents: slack.incidents,
    incidentChannel: INCIDENT_CHANNEL,
    // Told directly, the publisher has finished with Slack once its promise resolves.
    settled: async () => undefined,
  };
});

const ACKNOWLEDGING = { ...POLICY, permissions: { ...POLICY.permissions, acknowledge: ['sre_oncall'] } };
let standIn: SlackApiStandIn;
beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
});
afterEach(async () => {
  await standIn.stop();
});

/** The publisher on the stand-in, the test's Redis for its drawing marks, and incidents in memory. */
async function publishing() {
  const { prefix, connect } = testRedis();
  const deps = {
    ctx: { phase: 'M6', now: () => new Date('2026-11-24T04:00:01.000Z') },
    incidents: new MemoryIncidentStore(new MemoryLedger()),
  };
  await transitionIncident(deps, INCIDENT.id, { type: 'open_incident', incident: INCIDENT });
  const publisher = new SlackIncidentPublisher({
    messenger: webApiMessenger(webClientOn(standIn)),
    incidents: deps.incidents,
    noticePosted: (id, notice) => transitionIncident(deps, id, { type: 'notice_posted', ...notice }),
    refs: new RedisMessageRefs(connect(), prefix),
    channel: 'C0INCIDENT1',
    oncallGroup: 'S0SREONCALL',
  });
  return { publisher, deps };
}

const notices = () => standIn.callsOf('chat.postMessage').filter((call) => call.args.thread_ts === undefined);

describe('SlackIncidentPublisher', () => {
  it('pages the incident channel once, mentioning on-call, and records where the notice went', async () => {
    const { publisher, deps } = await publishing();
    await publisher.page(INCIDENT.id);
    await publisher.page(INCIDENT.id);
    expect(notices()).toHaveLength(1);
    const [notice] = notices();
    expect(notice?.args.channel).toBe('C0INCIDENT1');
    expect(textOf(notice as NonNullable<typeof notice>)).toContain('<!subteam^S0SREONCALL>');
    expect((await deps.incidents.load(INCIDENT.id)).incident?.notice).toEqual({
      channel: 'C0INCIDENT1',
      ts: notice?.reply.ts,
    });
    expect(standIn.callsOf('chat.update').length).toBeGreaterThan(0);
  });

  it('redraws the notice from the incident as it now stands', async () => {
    const { publisher, deps } = await publishing();
    await publisher.page(INCIDENT.id);
    await transitionIncident(deps, INCIDENT.id, { type: 'acknowledge', actor: U_SRE, policy: ACKNOWLEDGING });
    await publisher.redraw(INCIDENT.id);
    const last = standIn.callsOf('chat.update').at(-1);
    expect(last?.args.ts).toBe(notices()[0]?.reply.ts);
    expect(textOf(last as NonNullable<typeof last>)).toContain(`Acknowledged by <@${U_SRE}> at 04:00:01 UTC`);
  });

  it("follows up in the notice's thread, naming the people who acted as mentions", async () => {
    const { publisher, deps } = await publishing();
    await publisher.page(INCIDENT.id);
    await transitionIncident(deps, INCIDENT.id, { type: 'acknowledge', actor: U_SRE, policy: ACKNOWLEDGING });
    await publisher.followUp(INCIDENT.id, `${U_SRE} is on it <!channel>`);
    const reply = standIn.callsOf('chat.postMessage').find((call) => call.args.thread_ts !== undefined);
    expect(reply?.args.thread_ts).toBe(notices()[0]?.reply.ts);
    expect(String(reply?.args.text)).toBe(`<@${U_SRE}> is on it &lt;!channel&gt;`);
  });

  it('posts nothing for an incident it does not know, or one not paged yet', async () => {
    const { publisher } = await publishing();
    await publisher.page('no-such-incident');
    await publisher.followUp(INCIDENT.id, 'too early');
    await publisher.redraw(INCIDENT.id);
    expect(standIn.calls).toEqual([]);
  });
});
