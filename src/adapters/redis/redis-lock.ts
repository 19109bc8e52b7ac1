import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TrafficLock } from '../../app/ports/traffic-lock.js';
import { MecError } from '../../domain/errors.js';
import { redisKeys } from './redis-keys.js';

const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

// Extends the lease only while the token is still ours, so a renewal never revives a lock that
// expired and was taken by another holder.
const RENEW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** How many renewals fall in one lease: two can fail (a slow Redis, a blip) before the lease runs out. */
const RENEWALS_PER_LEASE = 3;

const lost = (name: string) =>
  new MecError(
    'lock_lost',
    `lost the ${name} lock while its work ran (its lease was not renewed in time, or another holder took it); the job retries under a fresh lock`,
  );

/** The lock counts as lost this share of a lease before Redis would expire it, against timer lateness. */
const EXPIRY_MARGIN = 0.1;

/**
 * Renews the lease on `key` every third of `leaseMs` while `token` holds it. Aborts `controller` when a
 * renewal finds the token gone, or when the lease runs out with no renewal answered: Redis unreachable,
 * or a half-open connection on which a renewal hangs with no error. The key may have expired then, so
 * the lock is taken as lost; the local deadline falls before Redis's, so the holder learns it first.
 */
function heartbeat(redis: Redis, key: string, token: string, leaseMs: number, name: string, takenAt: number) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let expiry: NodeJS.Timeout | undefined;
  let stopped = false;
  // A lease is counted from when its SET or renewal was sent, whenever the answer comes.
  const holdUntil = (until: number) => {
    clearTimeout(expiry);
    const lostAt = until - leaseMs * EXPIRY_MARGIN;
    expiry = setTimeout(() => controller.abort(lost(name)), Math.max(0, lostAt - Date.now()));
  };
  const tick = async () => {
    const sentAt = Date.now();
    try {
      const renewed = await redis.eval(RENEW_LUA, 1, key, token, leaseMs);
      if (controller.signal.aborted || stopped) return;
      if (renewed === 1) holdUntil(sentAt + leaseMs);
      else controller.abort(lost(name));
    } catch {
      // Retried on the next tick; the expiry timer aborts if none answers in time.
    }
    if (!stopped && !controller.signal.aborted) timer = setTimeout(tick, leaseMs / RENEWALS_PER_LEASE);
  };
  holdUntil(takenAt + leaseMs);
  timer = setTimeout(tick, leaseMs / RENEWALS_PER_LEASE);
  return {
    signal: controller.signal,
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(expiry);
    },
  };
}

/**
 * A Redis mutex for work that must not interleave across processes, such as moving traffic: a ramp
 * and a rollback of the same rollout never write the registry at the same time. The lease (SET NX PX
 * with a token of this holder's) is renewed while the work runs, so slow work keeps the lock; a
 * process that dies holding it stops renewing, and the others get in one lease later.
 *
 * Renewal rather than fencing tokens: the external flag system is told through a plain HTTP call and
 * cannot be made to check a fencing token, so keeping the lock held is the only guard that covers it.
 * What renewal cannot stop (a holder that loses Redis for a whole lease yet goes on working) is
 * covered by the signal: the work learns it lost the lock and writes nothing more.
 */
export async function withRedisLock<T>(
  redis: Redis,
  prefix: string,
  name: string,
  work: (signal: AbortSignal) => Promise<T>,
  options: { leaseMs?: number; waitMs?: number } = {},
): Promise<T> {
  const key = redisKeys(prefix).lock(name);
  const token = randomUUID();
  const leaseMs = options.leaseMs ?? 30_000;
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  // The lease runs from when the SET was sent, not from when its answer came.
  let takenAt = Date.now();
  while ((await redis.set(key, token, 'PX', leaseMs, 'NX')) !== 'OK') {
    if (Date.now() >= deadline)
      throw new MecError(
        'lock_timeout',
        `timed out waiting for the ${name} lock; another process holds it, and its lease expires if it died`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
    takenAt = Date.now();
  }
  const lease = heartbeat(redis, key, token, leaseMs, name, takenAt);
  try {
    const result = await work(lease.signal);
    // Work that finished after losing the lock may have raced another holder: it is not a success.
    lease.signal.throwIfAborted();
    return result;
  } finally {
    lease.stop();
    // A lost lock is not ours to release, and its connection may be gone.
    if (!lease.signal.aborted) await redis.eval(RELEASE_LUA, 1, key, token);
  }
}

/** The traffic lock as a Redis mutex whose lease is renewed while the work runs. */
export class RedisTrafficLock implements TrafficLock {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  withLock<T>(
    name: string,
    leaseMs: number,
    work: (signal: AbortSignal) => Promise<T>,
    waitMs?: number,
  ): Promise<T> {
    return withRedisLock(this.#redis, this.#prefix, name, work, {
      leaseMs,
      ...(waitMs === undefined ? {} : { waitMs }),
    });
  }
}
