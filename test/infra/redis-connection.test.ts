import { describe, expect, it } from 'vitest';
import { clusterTargetOf, hashTagOf, openRedis, sentinelTargetOf } from '../../src/infra/redis-connection.js';

describe('sentinelTargetOf', () => {
  it('reads the sentinels, the master name, the database and the credentials', () => {
    expect(
      sentinelTargetOf('redis+sentinel://mec:p%40ss@10.0.0.1:26379,sentinel-b,[::1]:26380/my%20master/3'),
    ).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-b', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'my master',
      db: 3,
      username: 'mec',
      password: 'p@ss',
    });
    expect(sentinelTargetOf('redis+sentinel://s1/mymaster')).toEqual({
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'mymaster',
      db: 0,
    });
  });

  it('leaves a plain Redis to ioredis', () => {
    expect(sentinelTargetOf('redis://127.0.0.1:6379')).toBeUndefined();
    expect(sentinelTargetOf('/run/redis.sock')).toBeUndefined();
  });

  it.each([
    ['no master name', 'redis+sentinel://s1:26379'],
    ['an empty sentinel', 'redis+sentinel://s1,,s2/mymaster'],
    ['a port out of range', 'redis+sentinel://s1:0/mymaster'],
    ['a database that is no number', 'redis+sentinel://s1/mymaster/x'],
  ])('says what is wrong with %s', (_what, url) => {
    expect(sentinelTargetOf(url)).toEqual(expect.any(String));
  });
});

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

describe('clusterTargetOf', () => {
  it('reads the seed nodes and the credentials', () => {
    expect(clusterTargetOf('redis+cluster://:pw@10.0.0.1:7000,node-b')).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'node-b', port: 6379 },
      ],
      password: 'pw',
    });
    expect(clusterTargetOf('redis://10.0.0.1')).toBeUndefined();
    expect(clusterTargetOf('redis+cluster://node-a:70000')).toEqual(expect.any(String));
  });
});

describe('hashTagOf', () => {
  it('reads the hash tag as Redis Cluster does: the first braces that hold something', () => {
    expect(hashTagOf('{mec}:bull:mec-notify:wait')).toBe('mec');
    expect(hashTagOf('prod:{mec}:rollout:M6')).toBe('mec');
    expect(hashTagOf('{}{mec}:x')).toBeUndefined();
    expect(hashTagOf('mec:bull:mec-notify:wait')).toBeUndefined();
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
