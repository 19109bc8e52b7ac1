import type { Redis } from 'ioredis';
import type { MessageRef, MessageRefs } from '../../app/ports/message-refs.js';
import { redisKeys } from './redis-keys.js';

const RELEASE_IF_OWNER_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
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
    await this.#redis.set(this.#key('draw-dirty', key), '1', 'PX', 60_000);
  }

  /**
   * Draws `key` while it is marked dirty, under its draw lock. A caller that finds the lock taken
   * returns: the holder sees the mark and draws again, so the last drawing reads the latest state, and
   * concurrent requests collapse into as few drawings as it takes.
   */
  async drawWhileDirty(key: string, token: string, draw: () => Promise<void>): Promise<void> {
    const lock = this.#key('draw-lock', key);
    const dirty = this.#key('draw-dirty', key);
    while ((await this.#redis.set(lock, token, 'PX', 15_000, 'NX')) === 'OK') {
      try {
        while ((await this.#redis.getdel(dirty)) !== null) await draw();
      } catch (error) {
        // The mark was taken for a drawing that failed; put it back for whoever draws next.
        await this.markDirty(key);
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
