import { beforeEach, describe, expect, it } from 'vitest';
import type { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { actedOn, alertPayload, postAlert } from '../support/alertmanager.js';
import { ALERT_TOKEN, type JobsHarness, toReady, useJobsHarness } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { latestDrawing, textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();

const current = useJobsHarness(testRedis);
let harness: JobsHarness;
let standIn: SlackApiStandIn;
beforeEach(() => {
  ({ harness, standIn } = current());
});

const pages = () =>
  standIn
    .callsOf('chat.postMessage')
    .filter((call) => call.args.channel === 'C0INCIDENT1' && call.args.thread_ts === undefined);

/** One Alertmanager body with one alert of the BLOCKER per instance, as a group by alertname sends it. */
function perInstance(count: number, status: 'firing' | 'resolved' = 'firing') {
  const one = alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER', status });
  const [alert] = one.alerts;
  if (!alert) throw new Error('alertPayload gave no alert');
  return {
    ...one,
    alerts: Array.from({ length: count }, (_, n) => ({
      ...alert,
      labels: { ...alert.labels, instance: `web-${n}:9090` },
      fingerprint: `fp-web-${n}`,
    })),
  };
}

async function soakingAt5() {
  await toReady(harness, standIn);
  await harness.command(PEOPLE.releaseManager, 'ramp 5');
  return harness.waitForState((state) => state.soak?.status === 'running');
}

describe('alerts of one alarm while it fires', () => {
  it('fold 300 alerts of one BLOCKER in one body into one incident, one page and one alarm entry', async () => {
    await soakingAt5();
    expect(await harness.alert(perInstance(300))).toMatchObject({ received: 300 });
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    const incidents = await harness.bot.incidents.recent(500);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.instances).toHaveLength(300);
    await expect.poll(() => pages().length, { timeout: 10_000 }).toBe(1);
    const [notice] = pages();
    if (!notice) throw new Error('no page');
    await expect
      .poll(() => textOf(latestDrawing(standIn, notice)), { timeout: 10_000 })
      .toContain('300 alerts');
    expect(textOf(latestDrawing(standIn, notice))).toContain('web-0:9090');
    const entries = await harness.adapters.ledger.read();
    expect(entries.filter((entry) => entry.body.action === 'alarm')).toHaveLength(1);
    expect(entries.filter((entry) => entry.body.reason === 'incident_opened')).toHaveLength(1);
  });

  it('folds a later body of the same alarm into the open incident, without a second page', async () => {
    await soakingAt5();
    await harness.alert(perInstance(2));
    await expect.poll(() => pages().length, { timeout: 10_000 }).toBe(1);
    const later = perInstance(3);
    await harness.alert({ ...later, alerts: later.alerts.slice(2) });
    const [incident] = await harness.bot.incidents.recent();
    expect(incident?.instances).toEqual(['web-0:9090', 'web-1:9090', 'web-2:9090']);
    expect(await harness.bot.incidents.recent()).toHaveLength(1);
    const [notice] = pages();
    if (!notice) throw new Error('no page');
    await expect
      .poll(() => textOf(latestDrawing(standIn, notice)), { timeout: 10_000 })
      .toContain('3 alerts');
    expect(pages()).toHaveLength(1);
  });

  it('opens a new incident when the alarm fires again after it resolved', async () => {
    await soakingAt5();
    await harness.alert(perInstance(2));
    await harness.alert(perInstance(2, 'resolved'));
    const again = perInstance(1);
    const alert = { ...again.alerts[0], startsAt: '2025-10-21T15:00:00.000Z' };
    await harness.alert({ ...again, alerts: [alert] });
    const incidents = await harness.bot.incidents.recent();
    expect(incidents.map((incident) => incident.resolvedAt === undefined)).toEqual([true, false]);
    await expect.poll(() => pages().length, { timeout: 10_000 }).toBe(2);
  });

  it('acts on 50 concurrent copies of one delivery once: exactly one alarm ledger entry', async () => {
    await soakingAt5();
    const payload = alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' });
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => postAlert(harness.webhookUrl, payload, ALERT_TOKEN)),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(50).fill(200));
    // Every copy is the one batch, queued once.
    expect(new Set(replies.map((reply) => reply.body.batch)).size).toBe(1);
    await actedOn(harness.queues.alerts, replies[0]?.body.batch);
    expect(await harness.queues.alerts.getJobCounts('completed', 'waiting', 'active', 'prioritized')).toEqual(
      {
        completed: 1,
        waiting: 0,
        active: 0,
        prioritized: 0,
      },
    );
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    const entries = await harness.adapters.ledger.read();
    expect(entries.filter((entry) => entry.body.action === 'alarm')).toHaveLength(1);
    await expect.poll(() => pages().length, { timeout: 10_000 }).toBe(1);
  });
});
