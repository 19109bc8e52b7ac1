import type { Redis } from 'ioredis';
import type { PostPacer } from '../../app/ports/post-pacer.js';
import { redisKeys } from './redis-keys.js';

/**
 * A channel's turn is a key that lives for `intervalMs`: whoever sets it first may post, and everyone
 * else is told how long it has to live. An interval of 0 paces nothing.
 */
export class RedisPostPacer implements PostPacer {
  readonly #redis: Redis;
  readonly #key: (channel: string) => string;
  readonly #intervalMs: number;

  constructor(redis: Redis, prefix: string, intervalMs: number) {
    this.#redis = redis;
    this.#key = (channel) => redisKeys(prefix).slack('pace', channel);
    this.#intervalMs = intervalMs;
  }

  async take(channel: string): Promise<number> {
    if (this.#intervalMs <= 0) return 0;
    const key = this.#key(channel);
    if (await this.#redis.set(key, '1', 'PX', this.#intervalMs, 'NX')) return 0;
    // Gone between the two calls (-2): the turn is free again, so look once more at once.
    return Math.max(1, await this.#redis.pttl(key));
  }

  async posted(channel: string): Promise<void> {
    if (this.#intervalMs <= 0) return;
    await this.#redis.set(this.#key(channel), '1', 'PX', this.#intervalMs);
  }
}
