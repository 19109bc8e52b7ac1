import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SHA256_LUA } from '../../../src/adapters/redis/sha256-lua.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('SHA256_LUA', () => {
  it.each([
    ['the empty string', ''],
    ['three bytes', 'abc'],
    ['55 bytes, the most one block can pad', 'x'.repeat(55)],
    ['56 bytes, which pads into a second block', 'y'.repeat(56)],
    ['64 bytes, one whole block', 'z'.repeat(64)],
    ['several blocks', 'the quick brown fox '.repeat(100)],
    ['multi-byte UTF-8', '€ünïcödé'.repeat(40)],
    ['control characters and NUL', '\u0000\n\t"\\\u0001'],
  ])('computes inside Redis the digest Node computes, for %s', async (_what, message) => {
    const redis = testRedis().connect();
    const digest = await redis.eval(`${SHA256_LUA}\nreturn sha256hex(ARGV[1])`, 0, message);
    expect(digest).toBe(createHash('sha256').update(message, 'utf8').digest('hex'));
  });
});
