import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, inject } from 'vitest';

export interface TestRedis {
  /** A key prefix that no other test uses, ending in ':'. */
  prefix: string;
  /** The URL of the run's redis-server, as REDIS_URL would give it. */
  url: string;
  /** Opens a new, independent connection (three retries per command unless told); it is closed after the test. */
  connect(options?: { maxRetriesPerRequest?: number | null; enableAutoPipelining?: boolean }): Redis;
}

/**
 * Gives each test a unique key prefix on the run's private redis-server, and removes the test's keys
 * and connections afterwards.
 */
export function useTestRedis(): () => TestRedis {
  let current: { prefix: string; clients: Redis[] } | undefined;

  afterEach(async () => {
    if (!current) return;
    const { prefix, clients } = current;
    current = undefined;
    const cleaner = new Redis(inject('redisUrl'), { lazyConnect: false });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await cleaner.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await cleaner.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      await Promise.all(
        [cleaner, ...clients].map((client) => client.quit().catch(() => client.disconnect())),
      );
    }
  });

  return () => {
    const state = { prefix: `test:${randomUUID()}:`, clients: [] as Redis[] };
    current = state;
    return {
      prefix: state.prefix,
      url: inject('redisUrl'),
      connect: (options = {}) => {
        const retries = options.maxRetriesPerRequest === undefined ? 3 : options.maxRetriesPerRequest;
        const client = new Redis(inject('redisUrl'), {
          maxRetriesPerRequest: retries,
          enableAutoPipelining: options.enableAutoPipelining === true,
        });
        state.clients.push(client);
        return client;
      },
    };
  };
}
