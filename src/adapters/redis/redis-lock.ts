import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TrafficLock } from '../../app/ports/traffic-lock.js';
import { MecError } from '../../domain/errors.js';
import { redisKeys } from './redis-keys.js';

const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * A Redis mutex for work that must not interleave across processes, such as moving traffic: a ramp
 * and a rollback of the same rollout never write the registry at the same time. The lease expires, so
 * a process that dies holding it does not block the others for long.
 */
async function withRedisLock<T>(
  redis: Redis,
  prefix: string,
  name: string,
  work: () => Promise<T>,
  options: { leaseMs?: number; waitMs?: number } = {},
): Promise<T> {
  const key = redisKeys(prefix).lock(name);
  const token = randomUUID();
  const leaseMs = options.leaseMs ?? 30_000;
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  while ((await redis.set(key, token, 'PX', leaseMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline)
      throw new MecError(
        'lock_timeout',
        `timed out waiting for the ${name} lock; another process holds it, and its lease expires if it died`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  try {
    return await work();
  } finally {
    await redis.eval(RELEASE_LUA, 1, key, token);
  }
}

/** The traffic lock as a Redis mutex. */
export class RedisTrafficLock implements TrafficLock {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  withLock<T>(name: string, leaseMs: number, work: () => Promise<T>): Promise<T> {
    return withRedisLock(this.#redis, this.#prefix, name, work, { leaseMs });
  }
}
