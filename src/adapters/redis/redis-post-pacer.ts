import type { Redis } from 'ioredis';
import type { PostKind, PostPacer } from '../../app/ports/post-pacer.js';
import { redisKeys } from './redis-keys.js';

/**
 * Posts a channel may take at once. Slack's rule for chat.postMessage is about one a second per
 * channel with "short bursts" allowed; five lets a short flurry out together (notes keep the three
 * they had before cards had a share of their own), and keeps every longer run at one per interval.
 */
export const POST_BURST = 5;

/**
 * Posts of the allowance a thread note leaves for cards. Notes come in runs (one per ledger entry) and
 * nobody waits on them; a card is what someone must click next (the go/no-go card and the approval card
 * right behind it), so two are kept for cards and a card never queues behind the notes before it.
 */
export const CARD_RESERVE = 2;

/**
 * A token bucket per channel, on Redis's clock, so every process draws on one allowance. KEYS: the
 * channel's bucket (fields `tokens`, `at`). ARGV: the interval in milliseconds, the burst, and the
 * posts that must be left for the post to be taken (1, or 1 + the reserve for a note). A missing bucket
 * is full; one left alone for `burst` intervals has refilled, so the key expires then. Returns 0 when a
 * post was taken, else the milliseconds until one is due.
 */
const TAKE_LUA = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local interval, burst, need = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1] or burst)
local at = tonumber(bucket[2] or now)
tokens = math.min(burst, tokens + math.max(0, now - at) / interval)
if tokens < need then return math.max(1, math.ceil((need - tokens) * interval)) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], interval * burst)
return 0
`;

interface TakeCommand {
  mecTakePost(key: string, intervalMs: string, burst: string, need: string): Promise<number>;
}

/**
 * Paces each channel's posts to one per `intervalMs`, with bursts of `POST_BURST`, of which notes may
 * take all but `CARD_RESERVE`. An interval of 0 paces nothing.
 */
export class RedisPostPacer implements PostPacer {
  readonly #redis: Redis & TakeCommand;
  readonly #key: (channel: string) => string;
  readonly #intervalMs: number;

  constructor(redis: Redis, prefix: string, intervalMs: number) {
    if (!('mecTakePost' in redis)) redis.defineCommand('mecTakePost', { numberOfKeys: 1, lua: TAKE_LUA });
    this.#redis = redis as Redis & TakeCommand;
    this.#key = (channel) => redisKeys(prefix).slack('pace', channel);
    this.#intervalMs = intervalMs;
  }

  async take(channel: string, post: PostKind): Promise<number> {
    if (this.#intervalMs <= 0) return 0;
    const need = post === 'card' ? 1 : 1 + CARD_RESERVE;
    return this.#redis.mecTakePost(
      this.#key(channel),
      String(this.#intervalMs),
      String(POST_BURST),
      String(need),
    );
  }
}
