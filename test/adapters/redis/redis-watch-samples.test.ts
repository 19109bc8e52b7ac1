import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../../src/adapters/redis/redis-keys.js';
import { RedisWatchSamples } from '../../../src/adapters/redis/redis-watch-samples.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

const sample = (index: number) => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
  watch: 'soak' as const,
  values: { latency_slo_drop: index / 100, feature_drift: 'error: connection refused' },
});

describe('RedisWatchSamples', () => {
  it('gives back each rollout its own samples, oldest first, as they were recorded', async () => {
    const { prefix, connect } = testRedis();
    const log = new RedisWatchSamples(connect(), prefix);
    await log.record('R1', sample(1));
    await log.record('R2', sample(2));
    await log.record('R1', sample(3));
    expect(await log.read('R1')).toEqual([sample(1), sample(3)]);
    expect(await log.read('R2')).toEqual([sample(2)]);
    expect(await log.read('R3')).toEqual([]);
  });

  it('keeps only the newest 2000 samples of a rollout, and lets them expire once it goes quiet', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const log = new RedisWatchSamples(redis, prefix);
    for (let index = 0; index < 2_005; index += 1) await log.record('R1', sample(index));
    const kept = await log.read('R1');
    expect(kept).toHaveLength(2_000);
    expect(kept[0]).toEqual(sample(5));
    expect(kept.at(-1)).toEqual(sample(2_004));
    const ttlMs = await redis.pttl(redisKeys(prefix).watchSamples('R1'));
    expect(ttlMs).toBeGreaterThan(29 * 24 * 60 * 60 * 1_000);
  });
});
