import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisSampleMetrics } from '../../src/adapters/redis/redis-sample-metrics.js';
import type { MetricsSource } from '../../src/app/ports/metrics-source.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { actedOn, alertPayload, postAlert } from '../support/alertmanager.js';
import {
  ALERT_TOKEN,
  holdingSoaks,
  type JobsHarness,
  startJobsHarness,
  toReady,
} from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();

// Fails while set: the alarm is applied, then reading its value throws before the incident opens.
let broken = false;
let harness: JobsHarness;
let standIn: SlackApiStandIn;
beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  const redis = testRedis();
  const samples = new RedisSampleMetrics(redis.connect(), redis.prefix);
  const metrics: MetricsSource = {
    read: async (alarm) => {
      if (broken) throw new Error('metrics source down');
      return samples.read(alarm);
    },
  };
  harness = await startJobsHarness(standIn, redis, { configure: holdingSoaks, metrics });
});
afterEach(async () => {
  broken = false;
  await harness.close();
  await standIn.stop();
});

const pages = () =>
  standIn
    .callsOf('chat.postMessage')
    .filter((call) => call.args.channel === 'C0INCIDENT1' && call.args.thread_ts === undefined);

describe('a batch whose acting failed', () => {
  it('is retried by its job until it lands: one lock, one incident, one page, and its re-send is a no-op', async () => {
    await toReady(harness, standIn);
    const payload = alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' });
    broken = true;
    const reply = await postAlert(harness.webhookUrl, payload, ALERT_TOKEN);
    expect(reply.status).toBe(200);
    const jobId = `alerts-${String(reply.body.batch)}`;
    // The job fails at least twice, giving its deliveries back each time, and is kept for its retries.
    await expect
      .poll(async () => (await harness.queues.alerts.getJob(jobId))?.attemptsMade ?? 0, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    expect(await harness.bot.incidents.recent()).toEqual([]);
    broken = false;
    await actedOn(harness.queues.alerts, reply.body.batch);
    expect(await harness.bot.incidents.recent()).toHaveLength(1);
    await expect.poll(() => pages().length, { timeout: 10_000 }).toBe(1);
    expect(await harness.alert(payload)).toMatchObject({ batch: reply.body.batch });
    const reasons = await harness.reasons();
    // At 0% the BLOCKER locks the rollout, once; each retry records the alarm again, as a re-send did.
    expect(reasons.filter((reason) => reason === 'locked_by_blocker')).toHaveLength(1);
    expect(reasons.filter((reason) => reason === 'incident_opened')).toHaveLength(1);
    expect(pages()).toHaveLength(1);
  });
});
