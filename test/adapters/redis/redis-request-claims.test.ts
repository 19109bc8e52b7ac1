import { describe, expect, it } from 'vitest';
import { RedisRequestClaims } from '../../../src/adapters/redis/redis-request-claims.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('RedisRequestClaims', () => {
  it('gives a key to exactly one of many concurrent claimers, across connections', async () => {
    const { prefix, connect } = testRedis();
    const claims = [new RedisRequestClaims(connect(), prefix), new RedisRequestClaims(connect(), prefix)];
    const won = await Promise.all(
      Array.from({ length: 40 }, (_, n) => (claims[n % 2] as RedisRequestClaims).claim('sig:abc', 60_000)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await claims[0]?.claim('sig:other', 60_000)).toBe(true);
  });

  it('stores the claim with the TTL asked for, so it lapses', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    await new RedisRequestClaims(redis, prefix).claim('once:x', 90_000);
    const ttlMs = await redis.pttl(`${prefix}{mec}:claim:once:x`);
    expect(ttlMs).toBeGreaterThan(80_000);
    expect(ttlMs).toBeLessThanOrEqual(90_000);
  });
});
