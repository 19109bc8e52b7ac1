import type { Redis } from 'ioredis';
import type { Claim, RequestClaims } from '../../app/ports/request-claims.js';
import { redisKeys } from './redis-keys.js';

/**
 * KEYS the claims in order; ARGV their TTLs in ms. `SET NX PX` each until one is taken: its index
 * (0-based), or -1 when all were claimed.
 */
const CLAIM_IN_ORDER_LUA = `
for i = 1, #KEYS do
  if not redis.call('SET', KEYS[i], '1', 'PX', ARGV[i], 'NX') then return i - 1 end
end
return -1
`;

interface ClaimCommand {
  mecClaimInOrder(count: number, ...keysThenTtls: Array<string | number>): Promise<number>;
}

/**
 * Request claims as Redis keys set with `SET NX PX`, so two processes never both win one; a request's
 * claims go in one script, one round trip.
 */
export class RedisRequestClaims implements RequestClaims {
  readonly #redis: Redis & ClaimCommand;
  readonly #keys: ReturnType<typeof redisKeys>;

  constructor(redis: Redis, prefix: string) {
    if (!('mecClaimInOrder' in redis)) redis.defineCommand('mecClaimInOrder', { lua: CLAIM_IN_ORDER_LUA });
    this.#redis = redis as Redis & ClaimCommand;
    this.#keys = redisKeys(prefix);
  }

  async claimInOrder(claims: readonly Claim[]): Promise<number> {
    if (claims.length === 0) return -1;
    return this.#redis.mecClaimInOrder(
      claims.length,
      ...claims.map((claim) => this.#keys.claim(claim.key)),
      ...claims.map((claim) => claim.ttlMs),
    );
  }

  async release(key: string): Promise<void> {
    await this.#redis.del(this.#keys.claim(key));
  }
}
