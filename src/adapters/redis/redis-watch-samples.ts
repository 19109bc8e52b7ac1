import type { Redis } from 'ioredis';
import type { WatchSample, WatchSampleLog } from '../../app/ports/watch-sample-log.js';
import { redisKeys } from './redis-keys.js';

/**
 * The newest evaluations kept per rollout: four 15 minute soaks and a 30 minute smoke read every 30 s
 * are 180, so this keeps a whole rollout at intervals down to about 3 s, and bounds a long one.
 */
const MAX_SAMPLES = 2_000;
/** How long a rollout's samples outlive its last evaluation: a month, for a look back after it. */
const KEEP_MS = 30 * 24 * 60 * 60 * 1_000;

/** Watch samples in Redis: one capped list per rollout, of JSON texts, that expires once it goes quiet. */
export class RedisWatchSamples implements WatchSampleLog {
  readonly #redis: Redis;
  readonly #keys: ReturnType<typeof redisKeys>;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#keys = redisKeys(prefix);
  }

  async record(rolloutId: string, sample: WatchSample): Promise<void> {
    const key = this.#keys.watchSamples(rolloutId);
    await this.#redis
      .multi()
      .rpush(key, JSON.stringify(sample))
      .ltrim(key, -MAX_SAMPLES, -1)
      .pexpire(key, KEEP_MS)
      .exec();
  }

  async read(rolloutId: string): Promise<WatchSample[]> {
    const texts = await this.#redis.lrange(this.#keys.watchSamples(rolloutId), 0, -1);
    return texts.map((text) => JSON.parse(text) as WatchSample);
  }
}
