import { describe, expect, it } from 'vitest';
import { RedisRefusalCounter } from '../../../src/adapters/redis/redis-refusal-counter.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('RedisRefusalCounter', () => {
  it('makes exactly one of many concurrent identical refusals the first of its window', async () => {
    const { prefix, connect } = testRedis();
    const counters = [new RedisRefusalCounter(connect(), prefix), new RedisRefusalCounter(connect(), prefix)];
    const counts = await Promise.all(
      Array.from({ length: 300 }, (_, n) => (counters[n % 2] as RedisRefusalCounter).count('k', 60_000)),
    );
    expect(counts.filter((count) => count.nth === 1)).toHaveLength(1);
    expect(counts.map((count) => count.nth).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 300 }, (_, n) => n + 1),
    );
    expect((await counters[0]?.count('other', 60_000))?.nth).toBe(1);
  });

  it('gives the first refusal of the next window the repeats of the one before, once', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const counter = new RedisRefusalCounter(redis, prefix);
    expect(await counter.count('k', 300)).toEqual({ nth: 1, collapsedBefore: 0 });
    for (let n = 0; n < 4; n++) await counter.count('k', 300);
    const windowKey = `${prefix}{mec}:refusals:window:k`;
    await expect.poll(() => redis.exists(windowKey), { timeout: 5_000 }).toBe(0);
    expect(await counter.count('k', 60_000)).toEqual({ nth: 1, collapsedBefore: 4 });
    expect(await counter.count('k', 60_000)).toEqual({ nth: 2, collapsedBefore: 0 });
  });
});
