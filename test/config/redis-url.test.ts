import { describe, expect, it } from 'vitest';
import { clusterTargetOf, hashTagOf, sentinelTargetOf } from '../../src/config/redis-url.js';

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
