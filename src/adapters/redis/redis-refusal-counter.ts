import type { Redis } from 'ioredis';
import type { RefusalCount, RefusalCounter } from '../../app/ports/refusal-counter.js';
import { redisKeys } from './redis-keys.js';

/**
 * KEYS[1] the window's counter, KEYS[2] the repeats not yet written; ARGV[1] the window, ARGV[2] how
 * long unwritten repeats are kept. The first refusal of a window takes (and clears) the repeats of the
 * window before; each later one adds itself to them.
 */
const COUNT_LUA = `
local nth = redis.call('INCR', KEYS[1])
if nth == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  local before = tonumber(redis.call('GET', KEYS[2]) or '0')
  redis.call('DEL', KEYS[2])
  return {nth, before}
end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {nth, 0}
`;

/** A week: repeats of a flood that stopped are written with the next identical refusal within it. */
const KEEP_COLLAPSED_MS = 7 * 24 * 60 * 60 * 1_000;

interface CountCommand {
  mecCountRefusal(
    windowKey: string,
    collapsedKey: string,
    windowMs: number,
    keepMs: number,
  ): Promise<[number, number]>;
}

/**
 * Refusal counts in Redis, counted by one script so concurrent refusals never both come first. The script
 * is sent once and called by its SHA after (ioredis falls back to EVAL when Redis lost it): every refused
 * command counts, and the script's text on every call was a socket write of its own.
 */
export class RedisRefusalCounter implements RefusalCounter {
  readonly #redis: Redis & CountCommand;
  readonly #keys: ReturnType<typeof redisKeys>;

  constructor(redis: Redis, prefix: string) {
    if (!('mecCountRefusal' in redis))
      redis.defineCommand('mecCountRefusal', { numberOfKeys: 2, lua: COUNT_LUA });
    this.#redis = redis as Redis & CountCommand;
    this.#keys = redisKeys(prefix);
  }

  async count(key: string, windowMs: number): Promise<RefusalCount> {
    const [nth, collapsedBefore] = await this.#redis.mecCountRefusal(
      this.#keys.refusals(key, 'window'),
      this.#keys.refusals(key, 'collapsed'),
      windowMs,
      KEEP_COLLAPSED_MS,
    );
    return { nth, collapsedBefore };
  }
}
