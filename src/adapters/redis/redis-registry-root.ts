import type { Redis } from 'ioredis';
import type { RegistryRootRecord } from '../../app/ports.js';
import { redisKeys } from './redis-keys.js';

// Compare-and-set of the confirmed root: only the writer that saw the current root may claim the next.
const BEGIN_LUA = `
local current = redis.call('HGET', KEYS[1], 'root') or ''
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'pending', ARGV[2])
return 1
`;

const CONFIRM_LUA = `
redis.call('HSET', KEYS[1], 'root', ARGV[1])
if redis.call('HGET', KEYS[1], 'pending') == ARGV[1] then redis.call('HDEL', KEYS[1], 'pending') end
return 1
`;

export class RedisRegistryRootRecord implements RegistryRootRecord {
  readonly #redis: Redis;
  readonly #key: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#key = redisKeys(prefix).registryRoot;
  }

  async get(): Promise<{ root: string | null; pendingRoot: string | null }> {
    const [root, pendingRoot] = await this.#redis.hmget(this.#key, 'root', 'pending');
    return { root: root ?? null, pendingRoot: pendingRoot ?? null };
  }

  async begin(expectedRoot: string | null, nextRoot: string): Promise<boolean> {
    return (await this.#redis.eval(BEGIN_LUA, 1, this.#key, expectedRoot ?? '', nextRoot)) === 1;
  }

  async confirm(root: string): Promise<void> {
    await this.#redis.eval(CONFIRM_LUA, 1, this.#key, root);
  }
}
