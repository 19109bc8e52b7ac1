import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { hashTagOf } from '../../src/config/redis-url.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import {
  expectVerified,
  reasonCounts,
  startJobsHarness,
  toReady,
  waitCertified,
} from '../support/jobs-harness.js';
import { startReadyBotOn } from '../support/processes.js';
import { startRedisCluster } from '../support/redis-cluster.js';
import { PEOPLE } from '../support/slack-harness.js';
import { useTeardown } from '../support/teardown.js';

const teardown = useTeardown();

describe('Redis Cluster', () => {
  it('runs the whole M6 flow on three masters, with every key of the bot and its queues in one slot', async () => {
    const cluster = await startRedisCluster();
    teardown(() => cluster.stop());
    const standIn = new SlackApiStandIn();
    await standIn.start();
    teardown(() => standIn.stop());
    const prefix = `{mec-${randomUUID().slice(0, 8)}}:`;
    const harness = await startJobsHarness(
      standIn,
      {
        prefix,
        url: cluster.url,
        connect: () => {
          throw new Error('the cluster test opens no connection of its own through TestRedis');
        },
      },
      { redisUrl: cluster.url },
    );
    teardown(() => harness.close());

    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    const done = await waitCertified(harness);
    expect(done.trafficPct).toBe(100);
    const count = await reasonCounts(harness);
    expect(count('ramp_accepted')).toBe(4);
    expect(count('soak_passed')).toBe(3);
    expect(count('rollout_complete')).toBe(1);
    await expectVerified(harness);

    // Every key the rollout left, the bot's and BullMQ's, is under the prefix's hash tag: one slot.
    const keys: string[] = [];
    for (const port of cluster.ports) {
      const node = new Redis({ port, host: '127.0.0.1' });
      keys.push(...(await node.keys('*')));
      node.disconnect();
    }
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((key) => hashTagOf(key) !== hashTagOf(prefix))).toEqual([]);
    expect(keys.some((key) => key.startsWith(`${prefix}bull:`))).toBe(true);
  }, 120_000);

  it('is how the bot process connects when REDIS_URL is a redis+cluster:// URL: it starts and is ready', async () => {
    const cluster = await startRedisCluster();
    teardown(() => cluster.stop());
    const standIn = new SlackApiStandIn();
    await standIn.start();
    teardown(() => standIn.stop());
    const bot = await startReadyBotOn(cluster.url, `{mec-${randomUUID().slice(0, 8)}}:`, standIn);
    teardown(() => bot.kill('SIGKILL'));
    expect(await (await fetch(`${bot.url}/readyz`)).json()).toMatchObject({ ok: true });
  }, 90_000);
});
