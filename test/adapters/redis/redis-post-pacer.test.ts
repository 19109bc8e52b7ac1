import { describe, expect, it } from 'vitest';
import { RedisPostPacer } from '../../../src/adapters/redis/redis-post-pacer.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();
const C_RELEASE = 'C0RELEASE01';
const C_INCIDENT = 'C0INCIDENT1';
const INTERVAL_MS = 60_000;

describe('RedisPostPacer', () => {
  it("gives one channel's turn to exactly one of many processes asking at once", async () => {
    const { prefix, connect } = testRedis();
    const pacers = [connect(), connect()].map((redis) => new RedisPostPacer(redis, prefix, INTERVAL_MS));
    const waits = await Promise.all(
      Array.from({ length: 40 }, (_, n) => (pacers[n % 2] as RedisPostPacer).take(C_RELEASE)),
    );
    expect(waits.filter((waitMs) => waitMs === 0)).toHaveLength(1);
    for (const waitMs of waits.filter((wait) => wait > 0)) expect(waitMs).toBeLessThanOrEqual(INTERVAL_MS);
  });

  it("keeps each channel's turn apart: a post to the release channel holds no other channel back", async () => {
    const { prefix, connect } = testRedis();
    const pacer = new RedisPostPacer(connect(), prefix, INTERVAL_MS);
    expect(await pacer.take(C_RELEASE)).toBe(0);
    expect(await pacer.take(C_INCIDENT)).toBe(0);
    expect(await pacer.take(C_RELEASE)).toBeGreaterThan(0);
  });

  it('frees the turn once its interval is over, and starts the interval again when the post is answered', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const pacer = new RedisPostPacer(redis, prefix, 300);
    expect(await pacer.take(C_RELEASE)).toBe(0);
    await expect.poll(() => pacer.take(C_RELEASE), { timeout: 5_000, interval: 50 }).toBe(0);
    await pacer.posted(C_RELEASE);
    expect(await pacer.take(C_RELEASE)).toBeGreaterThan(0);
    // Started again by the answer: the key lives a whole interval from then.
    expect(await redis.pttl(`${prefix}{mec}:slack:pace:${C_RELEASE}`)).toBeGreaterThan(0);
  });

  it('paces nothing with an interval of 0', async () => {
    const { prefix, connect } = testRedis();
    const pacer = new RedisPostPacer(connect(), prefix, 0);
    expect(await pacer.take(C_RELEASE)).toBe(0);
    await pacer.posted(C_RELEASE);
    expect(await pacer.take(C_RELEASE)).toBe(0);
  });
});
