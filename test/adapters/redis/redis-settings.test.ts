import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { readRedisSettings } from '../../../src/adapters/redis/redis-settings.js';
import { type LocalRedis, startLocalRedis } from '../../../src/infra/local-redis-server.js';

const started: Array<LocalRedis | Redis> = [];
afterEach(async () => {
  for (const item of started.splice(0).reverse())
    await (item instanceof Redis ? item.quit().catch(() => item.disconnect()) : item.stop());
});

async function connect(options: { appendOnly: boolean }): Promise<Redis> {
  const server = await startLocalRedis(options);
  started.push(server);
  const redis = new Redis(server.url);
  started.push(redis);
  return redis;
}

describe('reading what a Redis keeps across a restart', () => {
  it('finds no persistence with neither an append-only file nor snapshots', async () => {
    const redis = await connect({ appendOnly: false });
    expect(await readRedisSettings(redis)).toEqual({
      persists: false,
      detail: 'appendonly no, save ""',
      warnings: [],
    });
  });

  it('counts an append-only file, and RDB snapshots alone, as persistence', async () => {
    const aof = await connect({ appendOnly: true });
    expect((await readRedisSettings(aof)).persists).toBe(true);
    const rdb = await connect({ appendOnly: false });
    await rdb.config('SET', 'save', '3600 1');
    expect(await readRedisSettings(rdb)).toMatchObject({
      persists: true,
      detail: 'appendonly no, save "3600 1"',
    });
  });

  it('warns when keys may be evicted, since BullMQ needs noeviction', async () => {
    const redis = await connect({ appendOnly: true });
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const { warnings } = await readRedisSettings(redis);
    expect(warnings).toEqual([expect.stringContaining('maxmemory-policy is allkeys-lru')]);
  });

  it('says it could not tell when CONFIG is not allowed, instead of guessing', async () => {
    const admin = await connect({ appendOnly: false });
    await admin.call('ACL', 'SETUSER', 'bot', 'on', '>bot-password-1', '~*', '+@all', '-config');
    const port = (admin.options.port ?? 0) as number;
    const bot = new Redis({ port, host: '127.0.0.1', username: 'bot', password: 'bot-password-1' });
    started.push(bot);
    const settings = await readRedisSettings(bot);
    expect(settings.persists).toBeUndefined();
    expect(settings.detail).toContain('NOPERM');
    expect(settings.warnings).toEqual([expect.stringContaining('could not read whether Redis persists')]);
  });

  it('fails, rather than waving it through, when Redis does not answer at all', async () => {
    const server = await startLocalRedis({ appendOnly: false });
    const { port } = server;
    await server.stop();
    const gone = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
    gone.on('error', () => undefined);
    started.push(gone);
    await expect(readRedisSettings(gone)).rejects.toMatchObject({ code: 'redis_unreachable' });
  });
});
