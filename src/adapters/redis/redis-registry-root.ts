import type { Redis } from 'ioredis';
import type { RegistryRootRecord } from '../../app/ports.js';
import { redisKeys } from './redis-keys.js';

// Only the writer that saw the confirmed root, and that gets the lease, may write next.
const BEGIN_LUA = `
if (redis.call('HGET', KEYS[1], 'root') or '') ~= ARGV[1] then return 0 end
if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 'pending', ARGV[2])
return 1
`;

const CONFIRM_LUA = `
redis.call('HSET', KEYS[1], 'root', ARGV[1])
if redis.call('HGET', KEYS[1], 'pending') == ARGV[1] then redis.call('HDEL', KEYS[1], 'pending') end
redis.call('DEL', KEYS[2])
return 1
`;

export interface RedisRegistryRootOptions {
  /** How long a writer may hold the lease before another may take it, in ms. Default 30 000. */
  leaseMs?: number;
}

export class RedisRegistryRootRecord implements RegistryRootRecord {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #leaseKey: string;
  readonly #leaseMs: number;

  constructor(redis: Redis, prefix: string, options: RedisRegistryRootOptions = {}) {
    this.#redis = redis;
    this.#key = redisKeys(prefix).registryRoot;
    this.#leaseKey = `${this.#key}:lease`;
    this.#leaseMs = options.leaseMs ?? 30_000;
  }

  async get(): Promise<{ root: string | null; pendingRoot: string | null }> {
    const [root, pendingRoot] = await this.#redis.hmget(this.#key, 'root', 'pending');
    return { root: root ?? null, pendingRoot: pendingRoot ?? null };
  }

  async begin(expectedRoot: string | null, nextRoot: string): Promise<boolean> {
    const taken = await this.#redis.eval(
      BEGIN_LUA,
      2,
      this.#key,
      this.#leaseKey,
      expectedRoot ?? '',
      nextRoot,
      this.#leaseMs,
    );
    return taken === 1;
  }

  async confirm(root: string): Promise<void> {
    await this.#redis.eval(CONFIRM_LUA, 2, this.#key, this.#leaseKey, root);
  }

  async release(): Promise<void> {
    await this.#redis.del(this.#leaseKey);
  }
}
