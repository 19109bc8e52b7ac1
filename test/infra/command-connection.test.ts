import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { COMMAND_CONNECTION } from '../../src/infra/command-connection.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();

interface Scripted {
  mecTestEcho(key: string, value: string): Promise<string>;
  mecTestFail(key: string): Promise<string>;
}

function scripted(redis: Redis): Redis & Scripted {
  redis.defineCommand('mecTestEcho', {
    numberOfKeys: 1,
    lua: "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])",
  });
  redis.defineCommand('mecTestFail', { numberOfKeys: 1, lua: "return redis.error_reply('ERR refused')" });
  return redis as Redis & Scripted;
}

describe('COMMAND_CONNECTION', () => {
  it('queues the commands issued in one turn of the event loop and answers each in the order issued', async () => {
    const redis = testRedis();
    const client = redis.connect(COMMAND_CONNECTION);
    await client.ping();
    const key = `${redis.prefix}counter`;
    const replies = Array.from({ length: 50 }, () => client.incr(key));
    // Not yet written: they wait for the end of this turn, to go out together.
    expect(client.autoPipelineQueueSize).toBe(50);
    expect(await Promise.all(replies)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('runs a script Redis has not cached inside a pipeline, between the commands around it', async () => {
    const redis = testRedis();
    const client = scripted(redis.connect(COMMAND_CONNECTION));
    await client.script('FLUSH');
    const key = `${redis.prefix}echo`;
    const [before, echoed, after] = await Promise.all([
      client.get(key),
      client.mecTestEcho(key, 'stored'),
      client.get(key),
    ]);
    expect([before, echoed, after]).toEqual([null, 'stored', 'stored']);
  });

  it('fails only the command that failed, not the others of its pipeline', async () => {
    const redis = testRedis();
    const client = scripted(redis.connect(COMMAND_CONNECTION));
    const key = `${redis.prefix}mixed`;
    const results = await Promise.allSettled([
      client.set(key, 'a'),
      client.mecTestFail(key),
      client.get(key),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[2]).toEqual({ status: 'fulfilled', value: 'a' });
  });
});
