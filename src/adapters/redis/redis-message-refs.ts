import type { Redis } from 'ioredis';
import type { DrawPart, MessageRef, MessageRefs } from '../../app/ports/message-refs.js';
import { redisKeys } from './redis-keys.js';

const RELEASE_IF_OWNER_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** How long a stale mark (and the record of the parts a drawing landed) lasts, in milliseconds. */
const MARK_TTL_MS = 60_000;

/** The mark of a drawing that failed part way: its next run draws only the parts not landed yet. */
const RESUME = 'resume';

/**
 * Takes the stale mark (KEYS[1]); a mark other than a resumption starts the drawing over, forgetting
 * the parts landed (KEYS[2]). One script, so no resumption ever sees the parts of an older drawing.
 */
const TAKE_MARK_LUA = `
local mark = redis.call('GETDEL', KEYS[1])
if mark and mark ~= ARGV[1] then redis.call('DEL', KEYS[2]) end
return mark
`;

/** Message refs and drawing marks in Redis. */
export class RedisMessageRefs implements MessageRefs {
  readonly #redis: Redis;
  readonly #keys: ReturnType<typeof redisKeys>;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#keys = redisKeys(prefix);
  }

  async get(rolloutId: string): Promise<MessageRef | undefined> {
    const [channel, ts] = await this.#redis.hmget(this.#key('parent', rolloutId), 'channel', 'ts');
    return channel && ts ? { channel, ts } : undefined;
  }

  /**
   * True for one caller at a time per rollout: that caller posts the parent message and sets it. The
   * claim expires, so a process that dies between claiming and posting does not block the post.
   */
  async claimParent(rolloutId: string, ttlMs = 15_000): Promise<boolean> {
    return (await this.#redis.set(this.#key('parent-claim', rolloutId), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async releaseParent(rolloutId: string): Promise<void> {
    await this.#redis.del(this.#key('parent-claim', rolloutId));
  }

  async setParent(rolloutId: string, ref: MessageRef): Promise<void> {
    await this.#redis.hset(this.#key('parent', rolloutId), ref);
  }

  /** Remembers a card (approvals, go/no-go) posted for a rollout, so redraws keep it current. */
  async addCard(rolloutId: string, card: string, ref: MessageRef): Promise<void> {
    await this.#redis.hset(this.#key(`cards-${card}`, rolloutId), ref.ts, ref.channel);
  }

  async cards(rolloutId: string, card: string): Promise<MessageRef[]> {
    const all = await this.#redis.hgetall(this.#key(`cards-${card}`, rolloutId));
    return Object.entries(all).map(([ts, channel]) => ({ channel, ts }));
  }

  /** Notes that `key` (a rollout message, App Home) needs drawing again. */
  async markDirty(key: string): Promise<void> {
    await this.#redis.set(this.#key('draw-dirty', key), '1', 'PX', MARK_TTL_MS);
  }

  async markDirtyUnlessMarked(key: string): Promise<void> {
    await this.#redis.set(this.#key('draw-dirty', key), '1', 'PX', MARK_TTL_MS, 'NX');
  }

  /**
   * Draws `key` while it is marked dirty, under its draw lock. A caller that finds the lock taken
   * returns: the holder sees the mark and draws again, so the last drawing reads the latest state, and
   * concurrent requests collapse into as few drawings as it takes.
   *
   * A drawing that fails part way is marked to be resumed: the parts it landed are not drawn again,
   * unless a new mark (a new state) came meanwhile. Slack's 429 on an update says when one more call is
   * allowed; a drawing of several messages retried from its first would spend each retry's one call on
   * the message that landed already, and the later ones would never be drawn.
   */
  async drawWhileDirty(key: string, token: string, draw: (part: DrawPart) => Promise<void>): Promise<void> {
    const lock = this.#key('draw-lock', key);
    const dirty = this.#key('draw-dirty', key);
    const landed = this.#key('draw-landed', key);
    const part: DrawPart = async (name, drawPart) => {
      if ((await this.#redis.sismember(landed, name)) === 1) return;
      await drawPart();
      await this.#redis.multi().sadd(landed, name).pexpire(landed, MARK_TTL_MS).exec();
    };
    while ((await this.#redis.set(lock, token, 'PX', 15_000, 'NX')) === 'OK') {
      try {
        while ((await this.#redis.eval(TAKE_MARK_LUA, 2, dirty, landed, RESUME)) !== null) await draw(part);
      } catch (error) {
        // The mark was taken for a drawing that failed: put it back, to be resumed where it stopped,
        // unless a new mark came meanwhile (then the next drawing starts over).
        await this.#redis.set(dirty, RESUME, 'PX', MARK_TTL_MS, 'NX');
        throw error;
      } finally {
        await this.#redis.eval(RELEASE_IF_OWNER_LUA, 1, lock, token);
      }
      // A mark set between the last check and the release would otherwise be left for nobody.
      if ((await this.#redis.exists(dirty)) === 0) return;
    }
  }

  /** Users who opened App Home recently, to refresh their view after transitions. */
  async homeViewers(sinceMs: number): Promise<string[]> {
    return this.#redis.zrangebyscore(this.#key('home-viewers', 'all'), sinceMs, '+inf');
  }

  async sawHome(userId: string, atMs: number): Promise<void> {
    await this.#redis.zadd(this.#key('home-viewers', 'all'), atMs, userId);
  }

  #key(kind: string, id: string): string {
    return this.#keys.slack(kind, id);
  }
}
