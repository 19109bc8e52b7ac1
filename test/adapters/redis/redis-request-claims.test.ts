import { describe, expect, it } from 'vitest';
import { RedisRequestClaims } from '../../../src/adapters/redis/redis-request-claims.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('RedisRequestClaims', () => {
  it('gives a key to exactly one of many concurrent claimers, across connections', async () => {
    const { prefix, connect } = testRedis();
    const claims = [new RedisRequestClaims(connect(), prefix), new RedisRequestClaims(connect(), prefix)];
    const won = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        (claims[n % 2] as RedisRequestClaims).claimInOrder([{ key: 'sig:abc', ttlMs: 60_000 }]),
      ),
    );
    expect(won.filter((taken) => taken === -1)).toHaveLength(1);
    expect(await claims[0]?.claimInOrder([{ key: 'sig:other', ttlMs: 60_000 }])).toBe(-1);
  });

  it('stores the claim with the TTL asked for, so it lapses', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    await new RedisRequestClaims(redis, prefix).claimInOrder([
      { key: 'sig:x', ttlMs: 30_000 },
      { key: 'once:x', ttlMs: 90_000 },
    ]);
    const sigTtlMs = await redis.pttl(`${prefix}{mec}:claim:sig:x`);
    const ttlMs = await redis.pttl(`${prefix}{mec}:claim:once:x`);
    expect(sigTtlMs).toBeGreaterThan(20_000);
    expect(sigTtlMs).toBeLessThanOrEqual(30_000);
    expect(ttlMs).toBeGreaterThan(80_000);
    expect(ttlMs).toBeLessThanOrEqual(90_000);
  });

  it('stops at the first claim taken already: its index, the ones before it kept, none after it made', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const claims = new RedisRequestClaims(redis, prefix);
    expect(await claims.claimInOrder([{ key: 'once:b', ttlMs: 60_000 }])).toBe(-1);
    const order = ['sig:a', 'once:b', 'once:c'].map((key) => ({ key, ttlMs: 60_000 }));
    expect(await claims.claimInOrder(order)).toBe(1);
    expect(await redis.exists(`${prefix}{mec}:claim:sig:a`)).toBe(1);
    expect(await redis.exists(`${prefix}{mec}:claim:once:c`)).toBe(0);
    expect(await claims.claimInOrder(order)).toBe(0);
    await claims.release('sig:a');
    await claims.release('once:b');
    expect(await claims.claimInOrder(order)).toBe(-1);
  });
});
