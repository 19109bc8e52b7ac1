import type { Redis } from 'ioredis';
import type { RegistryRootRecord } from '../../app/ports/registry-root-record.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import type { LedgerBody } from '../../domain/ledger-entry.js';
import { APPEND_LEDGER_LUA } from './commit-script.js';
import { redisKeys } from './redis-keys.js';

// KEYS: root hash, lease, ledger entries, ledger head. The lease holds the writer's token.
const BEGIN_LUA = `
if (redis.call('HGET', KEYS[1], 'root') or '') ~= ARGV[1] then return 0 end
if not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], 'pending', ARGV[2])
return 1
`;

const CONFIRM_LUA = `${APPEND_LEDGER_LUA}
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'root', ARGV[1])
redis.call('HDEL', KEYS[1], 'pending')
redis.call('DEL', KEYS[2])
append_ledger(KEYS[3], KEYS[4], ARGV[3])
return 1
`;

const RECOVER_LUA = `${APPEND_LEDGER_LUA}
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('HGET', KEYS[1], 'pending') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'root', ARGV[1])
redis.call('HDEL', KEYS[1], 'pending')
append_ledger(KEYS[3], KEYS[4], ARGV[2])
return 1
`;

const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

export interface RedisRegistryRootOptions {
  /** How long a writer may hold the lease before another may take it, in ms. Default 30 000. */
  leaseMs?: number;
}

export class RedisRegistryRootRecord implements RegistryRootRecord {
  readonly #redis: Redis;
  readonly #keys: string[];
  readonly #leaseMs: number;

  constructor(redis: Redis, prefix: string, options: RedisRegistryRootOptions = {}) {
    const keys = redisKeys(prefix);
    this.#redis = redis;
    this.#keys = [keys.registryRoot, `${keys.registryRoot}:lease`, keys.ledgerEntries, keys.ledgerHead];
    this.#leaseMs = options.leaseMs ?? 30_000;
  }

  async get(): Promise<{ root: string | null; pendingRoot: string | null; leased: boolean }> {
    const [root, pendingRoot] = await this.#redis.hmget(this.#keys[0] as string, 'root', 'pending');
    const leased = (await this.#redis.exists(this.#keys[1] as string)) === 1;
    return { root: root ?? null, pendingRoot: pendingRoot ?? null, leased };
  }

  async begin(expectedRoot: string | null, nextRoot: string, token: string): Promise<boolean> {
    const [rootKey, leaseKey] = this.#keys as [string, string];
    return (
      (await this.#redis.eval(
        BEGIN_LUA,
        2,
        rootKey,
        leaseKey,
        expectedRoot ?? '',
        nextRoot,
        token,
        this.#leaseMs,
      )) === 1
    );
  }

  async confirm(root: string, token: string, entry: LedgerBody): Promise<boolean> {
    return (await this.#redis.eval(CONFIRM_LUA, 4, ...this.#keys, root, token, canonicalJson(entry))) === 1;
  }

  async recover(root: string, entry: LedgerBody): Promise<boolean> {
    return (await this.#redis.eval(RECOVER_LUA, 4, ...this.#keys, root, canonicalJson(entry))) === 1;
  }

  async release(token: string): Promise<void> {
    await this.#redis.eval(RELEASE_LUA, 1, this.#keys[1] as string, token);
  }
}
