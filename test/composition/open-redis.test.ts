import { describe, expect, it } from 'vitest';
import { openRedis } from '../../src/composition/open-redis.js';

describe('openRedis', () => {
  it('connects through the sentinels to the master they name, with its credentials and database', () => {
    const redis = openRedis('redis+sentinel://:pw@s1:26379,s2:26380/mymaster/2', { lazyConnect: true });
    expect(redis.options).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'mymaster',
      db: 2,
      password: 'pw',
      lazyConnect: true,
    });
    // A command that meets the old master, now a replica, reconnects and is sent again.
    expect(
      redis.options.reconnectOnError?.(new Error("READONLY You can't write against a read only replica.")),
    ).toBe(2);
    expect(redis.options.reconnectOnError?.(new Error('ERR unknown command'))).toBe(false);
    redis.disconnect();
  });

  it('opens a plain Redis from its URL', () => {
    const redis = openRedis('redis://127.0.0.1:6390/4', { lazyConnect: true, maxRetriesPerRequest: 1 });
    expect(redis.options).toMatchObject({ host: '127.0.0.1', port: 6390, db: 4, maxRetriesPerRequest: 1 });
    expect(redis.options.sentinels).toBeNull();
    redis.disconnect();
  });

  it('refuses a malformed sentinel URL with an error that names the form', () => {
    expect(() => openRedis('redis+sentinel://s1', { lazyConnect: true })).toThrow(
      /redis_url_invalid|must be redis\+sentinel/,
    );
  });
});

describe('openRedis on a cluster', () => {
  it('makes a Cluster client of the seeds, with the per-node options', () => {
    const redis = openRedis('redis+cluster://:pw@10.0.0.1:7000,10.0.0.2:7001', {
      lazyConnect: true,
      maxRetriesPerRequest: null,
    });
    const cluster = redis as unknown as {
      isCluster: boolean;
      startupNodes: unknown[];
      options: { redisOptions: Record<string, unknown> };
    };
    expect(cluster.isCluster).toBe(true);
    expect(cluster.startupNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
    ]);
    expect(cluster.options.redisOptions).toMatchObject({ password: 'pw', maxRetriesPerRequest: null });
    redis.disconnect();
  });
});
