import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../../src/adapters/redis/redis-keys.js';
import { RedisLedger } from '../../../src/adapters/redis/redis-ledger.js';
import { RedisRegistryRootRecord } from '../../../src/adapters/redis/redis-registry-root.js';
import { body } from '../../app/ports/rollout-store.contract.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();
const ROOT = 'a'.repeat(64);
const NEXT = 'b'.repeat(64);

describe('RedisRegistryRootRecord', () => {
  it('lets another writer take a lease whose holder died, once it expires', async () => {
    const { prefix, connect } = testRedis();
    const record = new RedisRegistryRootRecord(connect(), prefix, { leaseMs: 50 });
    expect(await record.begin(null, ROOT, 'dead-writer')).toBe(true);
    expect(await record.begin(null, NEXT, 'second')).toBe(false);
    await expect.poll(async () => (await record.get()).leased, { timeout: 5_000 }).toBe(false);
    expect(await record.begin(null, NEXT, 'second')).toBe(true);
    expect(await record.confirm(ROOT, 'dead-writer', body('registry_write'))).toBe(false);
    expect(await record.confirm(NEXT, 'second', body('registry_write'))).toBe(true);
    expect(await record.get()).toEqual({ root: NEXT, pendingRoot: null, leased: false });
  });

  it("keeps the record under the deployment's prefix, and appends to that deployment's ledger", async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const record = new RedisRegistryRootRecord(redis, prefix);
    await record.begin(null, ROOT, 'writer');
    await record.confirm(ROOT, 'writer', body('registry_adopted', { reason: 'registry_adopted' }));
    expect(await redis.hget(redisKeys(prefix).registryRoot, 'root')).toBe(ROOT);
    expect((await new RedisLedger(redis, prefix).read()).map((entry) => entry.body.reason)).toEqual([
      'registry_adopted',
    ]);
    expect(await new RedisRegistryRootRecord(redis, `${prefix}other:`).get()).toEqual({
      root: null,
      pendingRoot: null,
      leased: false,
    });
  });
});
