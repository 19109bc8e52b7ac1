import { access, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/infra/free-port.js';
import { startLocalRedis } from '../../src/infra/local-redis-server.js';

/** One command on a fresh connection that does not retry, closed after. */
async function once<T>(url: string, command: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  // A refused connection is an answer here, not something to print.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await command(redis);
  } finally {
    redis.disconnect();
  }
}

describe('startLocalRedis', () => {
  it('starts a redis-server of its own on 127.0.0.1, and removes its data folder when stopped', async () => {
    const redis = await startLocalRedis();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await once(redis.url, (client) => client.ping())).toBe('PONG');
    } finally {
      await redis.stop();
    }
    await expect(access(redis.dir)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(once(redis.url, (client) => client.ping())).rejects.toThrow();
  });

  it('keeps the data of an append-only server across a restart on the same folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mec-redis-test-'));
    const first = await startLocalRedis({ dir, appendOnly: true });
    await once(first.url, (client) => client.set('mec:test', 'kept'));
    await first.stop();
    await access(dir);
    const second = await startLocalRedis({ dir, appendOnly: true });
    try {
      expect(await once(second.url, (client) => client.get('mec:test'))).toBe('kept');
    } finally {
      await second.stop();
    }
  });

  it('fails with local_redis_failed, and what redis-server said, on a port that is taken', async () => {
    const port = await freePort();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startLocalRedis({ port })).rejects.toMatchObject({
        code: 'local_redis_failed',
        message: expect.stringContaining('exited'),
      });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
