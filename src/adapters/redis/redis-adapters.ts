import type { Redis } from 'ioredis';
import { RedisLedger } from './redis-ledger.js';
import { RedisRegistryRootRecord } from './redis-registry-root.js';
import { RedisRolloutStore } from './redis-rollout-store.js';

/** The Redis implementations of the core's ports, sharing one connection and key prefix. */
export function redisAdapters(redis: Redis, prefix: string) {
  return {
    store: new RedisRolloutStore(redis, prefix),
    ledger: new RedisLedger(redis, prefix),
    rootRecord: new RedisRegistryRootRecord(redis, prefix),
  };
}
