import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisSampleMetrics } from '../../src/adapters/redis/redis-sample-metrics.js';
import type { MetricsSource } from '../../src/app/ports/metrics-source.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { alertPayload, postAlert } from '../support/alertmanager.js';
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

describe('a delivery whose acting failed', () => {
  it('is given back, so that its re-send is acted on: one incident, one page, then duplicates', async () => {
    await toReady(harness, standIn);
    const payload = alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' });
    broken = true;
    expect((await postAlert(harness.webhookUrl, payload, ALERT_TOKEN)).status).toBe(500);
    broken = false;
    expect(await postAlert(harness.webhookUrl, payload, ALERT_TOKEN)).toMatchObject({
      status: 200,
      body: { duplicates: 0 },
    });
    expect(await harness.bot.incidents.recent()).toHaveLength(1);
    await expect.poll(() => pages().length, { timeout: 10_000 }).toBe(1);
    expect((await postAlert(harness.webhookUrl, payload, ALERT_TOKEN)).body).toMatchObject({ duplicates: 1 });
  });
});
