import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/adapters/slack/ids.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { alertPayload } from '../support/alertmanager.js';
import { holdingSoaks, type JobsHarness, startJobsHarness, toReady } from '../support/jobs-harness.js';
import { type PagerDutyStandIn, startPagerDutyStandIn } from '../support/pagerduty-stand-in.js';
import { useTestRedis } from '../support/redis.js';
import { button, where } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
let pagerDuty: PagerDutyStandIn;
let harness: JobsHarness;

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  pagerDuty = await startPagerDutyStandIn();
  harness = await startJobsHarness(standIn, testRedis(), {
    configure: holdingSoaks,
    pager: { routingKey: pagerDuty.routingKey, url: pagerDuty.url, retry: { baseMs: 50, maxMs: 200 } },
  });
});

afterEach(async () => {
  await harness.close();
  await standIn.stop();
});

async function soakingAt5() {
  await toReady(harness, standIn);
  await harness.command(PEOPLE.releaseManager, 'ramp 5');
  return harness.waitForState((state) => state.soak?.status === 'running');
}

const sent = () => pagerDuty.accepted.map((event) => `${event.event_action} ${event.dedup_key}`);
const incidentNotice = () =>
  standIn.waitFor(
    (call) =>
      call.method === 'chat.postMessage' &&
      call.args.channel === 'C0INCIDENT1' &&
      call.args.thread_ts === undefined,
    10_000,
  );

describe('PagerDuty beyond Slack', () => {
  it('triggers, acknowledges and resolves one alert per incident, however often the alert is re-sent', async () => {
    await soakingAt5();
    // PagerDuty is busy at first: the trigger waits for it, and is sent once.
    pagerDuty.failNext(429, 1);
    const blocker = alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' });
    await harness.alert(blocker);
    await harness.alert(blocker);
    const [incident] = await harness.bot.incidents.recent();
    if (!incident) throw new Error('no incident was opened');
    await expect.poll(sent, { timeout: 15_000 }).toEqual([`trigger ${incident.id}`]);
    expect(pagerDuty.accepted[0]?.payload).toMatchObject({
      severity: 'critical',
      component: 'latency_slo_drop',
    });

    // Slack's notice is still the main one: the Acknowledge there acknowledges the page.
    const notice = await incidentNotice();
    await harness.click(PEOPLE.sre, ACTION.acknowledge, button(notice, ACTION.acknowledge), where(notice));
    await expect
      .poll(sent, { timeout: 15_000 })
      .toEqual([`trigger ${incident.id}`, `acknowledge ${incident.id}`]);

    // Sent again with a second instance while it is open, the alert folds into the incident (the notice
    // is redrawn) and pages nobody again.
    const [first] = blocker.alerts;
    if (!first) throw new Error('expected an alert');
    const second = { ...first, fingerprint: 'fp-latency-web-1' };
    await harness.alert({ ...blocker, alerts: [first, second] });
    await expect
      .poll(async () => (await harness.bot.incidents.load(incident.id)).incident?.instances?.length)
      .toBe(2);
    // Both alerts resolve: so does the incident, and its page.
    const resolved = alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER', status: 'resolved' });
    const [gone] = resolved.alerts;
    if (!gone) throw new Error('expected an alert');
    const bothResolved = { ...resolved, alerts: [gone, { ...gone, fingerprint: second.fingerprint }] };
    await harness.alert(bothResolved);
    const all = [`trigger ${incident.id}`, `acknowledge ${incident.id}`, `resolve ${incident.id}`];
    await expect.poll(sent, { timeout: 15_000 }).toEqual(all);
    // The resolved alerts re-sent send nothing more.
    await harness.alert(bothResolved);
    await expect
      .poll(() => harness.queues.pager.getJobCounts('completed', 'waiting', 'active', 'delayed'), {
        timeout: 10_000,
      })
      .toEqual({ completed: 3, waiting: 0, active: 0, delayed: 0 });
    expect(sent()).toEqual(all);
    // 1 refused with 429, then the three events.
    expect(pagerDuty.requests.map((request) => request.status)).toEqual([429, 202, 202, 202]);
  });

  it('pages a CRITICAL as an error, and a WARNING not at all', async () => {
    await soakingAt5();
    await harness.alert(alertPayload({ alarm: 'feature_drift', severity: 'WARNING' }));
    await harness.alert(alertPayload({ alarm: 'determinism_variance', severity: 'CRITICAL' }));
    const incidents = await harness.bot.incidents.recent();
    expect(incidents.map((incident) => incident.alarm)).toEqual(['determinism_variance']);
    await expect.poll(() => pagerDuty.accepted.length, { timeout: 15_000 }).toBe(1);
    expect(pagerDuty.accepted[0]).toMatchObject({
      event_action: 'trigger',
      dedup_key: incidents[0]?.id,
      payload: { severity: 'error', component: 'determinism_variance' },
    });
  });

  it('keeps the routing key out of the jobs and the ledger', async () => {
    await soakingAt5();
    await harness.alert(alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }));
    await expect.poll(() => pagerDuty.accepted.length, { timeout: 15_000 }).toBe(1);
    const states = ['completed', 'waiting', 'active', 'delayed', 'failed'] as const;
    for (const queue of Object.values(harness.queues)) {
      const jobs = await queue.getJobs([...states]);
      expect(JSON.stringify(jobs.map((job) => job.asJSON()))).not.toContain(pagerDuty.routingKey);
    }
    expect(JSON.stringify(await harness.adapters.ledger.read())).not.toContain(pagerDuty.routingKey);
    expect(JSON.stringify(standIn.calls)).not.toContain(pagerDuty.routingKey);
  });
});
