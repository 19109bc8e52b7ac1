import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisIncidentStore } from '../../src/adapters/redis/redis-incident-store.js';
import { RedisMessageRefs } from '../../src/adapters/redis/redis-message-refs.js';
import { ACTION, COMMAND, EVENT, VIEW } from '../../src/adapters/slack/ids.js';
import type { SlackApp } from '../../src/adapters/slack/slack-app.js';
import { SlackIncidentPublisher } from '../../src/adapters/slack/slack-incident-publisher.js';
import { SlackRolloutPublisher } from '../../src/adapters/slack/slack-rollout-publisher.js';
import { registerSlack, slackSide } from '../../src/composition/slack-side.js';
import { readConfig } from '../../src/config/load-settings.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { useTestRedis } from '../support/redis.js';
import { useCaseWorld } from '../support/use-case-world.js';
import { webClientOn } from '../support/web-client.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
});
afterEach(async () => {
  await standIn.stop();
});

/** A Bolt app stand-in that keeps what was registered on it, with the real Web API client. */
function recordingApp() {
  const registered: string[] = [];
  // A RegExp matcher (anyActionOf) is recorded as the action id it takes.
  const idOf = (id: unknown) =>
    id instanceof RegExp
      ? (Object.values(ACTION).find((action) => id.test(action)) ?? String(id))
      : String(id);
  const on = (kind: string) => (id: unknown) => void registered.push(`${kind} ${idOf(id)}`);
  const app = {
    client: webClientOn(standIn),
    command: on('command'),
    action: on('action'),
    view: on('view'),
    event: on('event'),
    error: () => void registered.push('error handler'),
  };
  return { registered, slack: { app } as unknown as SlackApp };
}

async function side() {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const { prefix, connect } = testRedis();
  const redis = connect();
  const options = {
    config: loaded.config,
    workspace: await copyExampleWorkspace(),
    redis,
    prefix,
    logger: pino({ level: 'silent' }),
    now: () => new Date('2025-10-21T13:00:00.000Z'),
  };
  const incidents = new RedisIncidentStore(redis, prefix, 86_400_000);
  const { registered, slack } = recordingApp();
  const built = slackSide(
    options,
    slack,
    new RedisMessageRefs(redis, prefix),
    incidents,
    async () => undefined,
    { latest: async () => undefined },
  );
  return { built, registered, slack, incidents };
}

describe('slackSide', () => {
  it("builds the publishers on Bolt's Web API client, posting to the configured channels", async () => {
    const { built } = await side();
    expect(built.rollouts).toBeInstanceOf(SlackRolloutPublisher);
    expect(built.incidents).toBeInstanceOf(SlackIncidentPublisher);
    await built.messenger.post('C0RELEASE01', { text: 'x', blocks: [] });
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(1);
    await built.rollouts.postReview('M6', {
      from: '2025-10-20T09:00:00.000Z',
      to: '2025-10-27T09:00:00.000Z',
      warnings: [],
      rollbacks: [],
      preventedIncidents: 0,
      gates: { opened: 0, closed: 0, overridden: 0 },
      approvals: { recorded: 0, rejected: 0 },
    });
    expect(standIn.callsOf('chat.postMessage')[1]?.args.channel).toBe('C0RELEASE01');
  });
});

describe('registerSlack', () => {
  it('registers the command, every button, both modals and App Home, and a handler for listener errors', async () => {
    const { built, registered, slack, incidents } = await side();
    const world = useCaseWorld();
    registerSlack(slack, built, world.ctx, {
      incidents,
      notifier: world.notifier,
      logger: pino({ level: 'silent' }),
    });
    expect(new Set(registered)).toEqual(
      new Set([
        `command ${COMMAND}`,
        ...Object.values(ACTION).map((id) => `action ${id}`),
        ...Object.values(VIEW).map((id) => `view ${id}`),
        ...Object.values(EVENT).map((id) => `event ${id}`),
        'error handler',
      ]),
    );
  });
});
