import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { redisKeys } from '../../../src/adapters/redis/redis-keys.js';
import { RedisTrafficLock, withRedisLock } from '../../../src/adapters/redis/redis-lock.js';
import { MecError } from '../../../src/domain/errors.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();
const LEASE_MS = 200;
/**
 * For a holder that must keep its lock: the holder takes the lock as lost when no renewal has answered
 * for most of a lease, so the lease must outlast a loaded machine's stalls, which a 200 ms one may not.
 */
const HANG_LEASE_MS = 1_000;
const NAME = 'traffic-r1';

/** A promise and the function that settles it, for a test to decide when work moves on. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const opened = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Resolves with the reason once `signal` is aborted. */
const abortedWith = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisTrafficLock', () => {
  it('keeps a second writer out while the first one’s traffic call hangs past the lease', async () => {
    const redis = testRedis();
    const first = new RedisTrafficLock(redis.connect(), redis.prefix);
    const second = new RedisTrafficLock(redis.connect(), redis.prefix);
    const events: string[] = [];
    const firstIn = gate();

    const ramp = first.withLock(NAME, HANG_LEASE_MS, async () => {
      events.push('ramp in');
      firstIn.open();
      // The external flag system hangs for more than two leases before it answers.
      await sleep(HANG_LEASE_MS * 2.5);
      events.push('ramp wrote 25%');
      return 'ramp done';
    });
    await firstIn.opened;
    const rollback = second.withLock(NAME, HANG_LEASE_MS, async () => {
      events.push('rollback wrote shadow');
      return 'rollback done';
    });

    expect(await Promise.all([ramp, rollback])).toEqual(['ramp done', 'rollback done']);
    expect(events).toEqual(['ramp in', 'ramp wrote 25%', 'rollback wrote shadow']);
  });

  it('tells the work it lost the lock when a renewal finds its token gone, and fails with lock_lost', async () => {
    const redis = testRedis();
    const client = redis.connect();
    const lock = new RedisTrafficLock(client, redis.prefix);
    const resume = gate();
    const seen: { reason?: unknown } = {};

    const held = lock.withLock(NAME, LEASE_MS, async (signal: AbortSignal) => {
      // Someone else's hands on the key: the lease is no longer this holder's.
      await client.set(redisKeys(redis.prefix).lock(NAME), 'another-token', 'PX', 60_000);
      seen.reason = await abortedWith(signal);
      await resume.opened;
      return 'wrote anyway';
    });
    const outcome = held.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await expect.poll(() => seen.reason).toBeDefined();
    resume.open();

    expect(seen.reason).toBeInstanceOf(MecError);
    expect((seen.reason as MecError).code).toBe('lock_lost');
    const error = await outcome;
    expect(error).toBeInstanceOf(MecError);
    expect((error as MecError).code).toBe('lock_lost');
    // The other holder's key is not released by the one that lost it.
    expect(await client.get(redisKeys(redis.prefix).lock(NAME))).toBe('another-token');
  });

  it('releases the lock as soon as the work ends, and stops renewing it', async () => {
    const redis = testRedis();
    const client = redis.connect();
    const lock = new RedisTrafficLock(client, redis.prefix);
    const key = redisKeys(redis.prefix).lock(NAME);

    expect(await lock.withLock(NAME, LEASE_MS, async () => 'done')).toBe('done');
    expect(await client.exists(key)).toBe(0);

    // A later holder's lease is its own: the first holder's heartbeat does not touch it.
    await client.set(key, 'later-token', 'PX', LEASE_MS);
    await sleep(LEASE_MS * 2);
    expect(await client.exists(key)).toBe(0);
  });

  it('releases the lock when the work throws, and passes the error on', async () => {
    const redis = testRedis();
    const client = redis.connect();
    const lock = new RedisTrafficLock(client, redis.prefix);
    const failure = new MecError('traffic_controller_failed', 'answered 503');

    await expect(
      lock.withLock(NAME, LEASE_MS, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await client.exists(redisKeys(redis.prefix).lock(NAME))).toBe(0);
  });

  it('lets a second writer in once a holder that died stops renewing, and the holder learns it', async () => {
    const redis = testRedis();
    const dying = redis.connect({ maxRetriesPerRequest: 0 });
    const first = new RedisTrafficLock(dying, redis.prefix);
    const second = new RedisTrafficLock(redis.connect(), redis.prefix);
    const firstIn = gate();
    const resume = gate();
    const seen: { reason?: unknown } = {};

    const held = first.withLock(NAME, LEASE_MS, async (signal: AbortSignal) => {
      firstIn.open();
      seen.reason = await abortedWith(signal);
      await resume.opened;
      return 'late write';
    });
    const outcome = held.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await firstIn.opened;
    // The holder's process is gone as far as Redis can tell: its connection drops and nothing renews.
    dying.disconnect();

    expect(await second.withLock(NAME, LEASE_MS, async () => 'rollback done')).toBe('rollback done');
    await expect.poll(() => seen.reason).toBeDefined();
    expect((seen.reason as MecError).code).toBe('lock_lost');
    resume.open();
    expect(((await outcome) as MecError).code).toBe('lock_lost');
  });
});

/**
 * A TCP relay to the test's Redis that can go silent without closing: a half-open connection, as a
 * dead NAT or a partitioned network leaves it. Commands sent through it then hang with no error.
 */
async function silentRelay() {
  const target = new URL(inject('redisUrl'));
  const sockets: Socket[] = [];
  let silent = false;
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.push(client, upstream);
    client.on('data', (chunk) => void (silent || upstream.write(chunk)));
    upstream.on('data', (chunk) => void (silent || client.write(chunk)));
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    silence: () => {
      silent = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('RedisTrafficLock on a half-open connection', () => {
  it('tells the holder its lock is lost before a second writer can get in, though the renewal never fails', async () => {
    const redis = testRedis();
    const relay = await silentRelay();
    onTestFinished(() => relay.close());
    // Retries for ever, so a renewal on the silent connection waits with no error, as a real one would.
    const hanging = new Redis(relay.port, '127.0.0.1', { maxRetriesPerRequest: null });
    onTestFinished(() => hanging.disconnect());
    const first = new RedisTrafficLock(hanging, redis.prefix);
    const second = new RedisTrafficLock(redis.connect(), redis.prefix);
    const firstIn = gate<AbortSignal>();

    const held = first.withLock(NAME, LEASE_MS, async (signal: AbortSignal) => {
      firstIn.open(signal);
      await abortedWith(signal);
      return 'late write';
    });
    const outcome = held.catch((error: unknown) => error);
    const signal = await firstIn.opened;
    relay.silence();

    // The second writer gets in once Redis expires the first lease; by then the first holder knows.
    expect(await second.withLock(NAME, LEASE_MS, async () => signal.aborted)).toBe(true);
    expect(await outcome).toMatchObject({ code: 'lock_lost' });
  });
});

describe('withRedisLock', () => {
  it('lets the work of one holder at a time run, across connections', async () => {
    const { prefix, connect } = testRedis();
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside += 1;
      most = Math.max(most, inside);
      // Yield to the other holders' attempts while holding the lock.
      for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      inside -= 1;
      return 'done';
    };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => withRedisLock(connect(), prefix, 'traffic-R1', work)),
    );
    expect(results).toEqual(Array(6).fill('done'));
    expect(most).toBe(1);
  });

  it('releases the lock when the work fails, and passes the failure on', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    await expect(
      withRedisLock(redis, prefix, 'traffic-R1', async () => {
        throw new Error('registry busy');
      }),
    ).rejects.toThrow('registry busy');
    expect(await redis.exists(redisKeys(prefix).lock('traffic-R1'))).toBe(0);
  });

  it('gives up with lock_timeout when another holder keeps the lock, and leaves its lock alone', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const key = redisKeys(prefix).lock('traffic-R1');
    await redis.set(key, 'someone-else', 'PX', 60_000);
    await expect(
      withRedisLock(redis, prefix, 'traffic-R1', async () => 'never', { waitMs: 100 }),
    ).rejects.toMatchObject({ code: 'lock_timeout' });
    expect(await redis.get(key)).toBe('someone-else');
  });
});

describe('RedisTrafficLock', () => {
  it('holds the named lock, with the lease it is given, while the work runs', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const lock = new RedisTrafficLock(redis, prefix);
    const key = redisKeys(prefix).lock('traffic-R1');
    const seen = await lock.withLock('traffic-R1', 5_000, async () => redis.pttl(key));
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThanOrEqual(5_000);
    expect(await redis.exists(key)).toBe(0);
  });
});
