import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../../src/adapters/redis/redis-keys.js';
import { RedisTrafficLock, withRedisLock } from '../../../src/adapters/redis/redis-lock.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('withRedisLock', () => {
  it('lets the work of one holder at a time run, across connections', async () => {
    const { prefix, connect } = testRedis();
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside += 1;
      most = Math.max(most, inside);
      // Yield to the other holders' attempts while holding the lock.
      for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      inside -= 1;
      return 'done';
    };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => withRedisLock(connect(), prefix, 'traffic-R1', work)),
    );
    expect(results).toEqual(Array(6).fill('done'));
    expect(most).toBe(1);
  });

  it('releases the lock when the work fails, and passes the failure on', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    await expect(
      withRedisLock(redis, prefix, 'traffic-R1', async () => {
        throw new Error('registry busy');
      }),
    ).rejects.toThrow('registry busy');
    expect(await redis.exists(redisKeys(prefix).lock('traffic-R1'))).toBe(0);
  });

  it('gives up with lock_timeout when another holder keeps the lock, and leaves its lock alone', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const key = redisKeys(prefix).lock('traffic-R1');
    await redis.set(key, 'someone-else', 'PX', 60_000);
    await expect(
      withRedisLock(redis, prefix, 'traffic-R1', async () => 'never', { waitMs: 100 }),
    ).rejects.toMatchObject({ code: 'lock_timeout' });
    expect(await redis.get(key)).toBe('someone-else');
  });
});

describe('RedisTrafficLock', () => {
  it('holds the named lock, with the lease it is given, while the work runs', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const lock = new RedisTrafficLock(redis, prefix);
    const key = redisKeys(prefix).lock('traffic-R1');
    const seen = await lock.withLock('traffic-R1', 5_000, async () => redis.pttl(key));
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThanOrEqual(5_000);
    expect(await redis.exists(key)).toBe(0);
  });
});
