import type { Redis } from 'ioredis';
import type { RequestClaims } from '../../app/ports/request-claims.js';
import { redisKeys } from './redis-keys.js';

/** Request claims as Redis keys set with `SET NX PX`, so two processes never both win one. */
export class RedisRequestClaims implements RequestClaims {
  readonly #redis: Redis;
  readonly #keys: ReturnType<typeof redisKeys>;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#keys = redisKeys(prefix);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(this.#keys.claim(key), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.#redis.del(this.#keys.claim(key));
  }
}
