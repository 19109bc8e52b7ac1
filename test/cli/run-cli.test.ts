import type { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** What the tool wrote to stderr, one string per console.error call. */
const stderr = () => vi.spyOn(console, 'error').mockImplementation(() => undefined);

describe('runCli', () => {
  it('exits 2 listing every configuration problem, without running the tool', async () => {
    const errors = stderr();
    const tool = vi.fn(async () => 0);
    expect(await runCli({ REDIS_URL: inject('redisUrl'), PORT: 'x', MEC_CONFIG: 'nope.yml' }, tool)).toBe(2);
    expect(tool).not.toHaveBeenCalled();
    const text = errors.mock.calls.join('\n');
    expect(text).toContain('Configuration problems');
    expect(text).toContain('env PORT');
    expect(text).toContain('MEC_CONFIG');
  });

  it('exits 2 asking for REDIS_URL when it is not set', async () => {
    const errors = stderr();
    const tool = vi.fn(async () => 0);
    expect(await runCli({}, tool)).toBe(2);
    expect(tool).not.toHaveBeenCalled();
    expect(errors.mock.calls.join('\n')).toContain('Set REDIS_URL');
  });

  it("runs the tool with the settings on a connected Redis, answers with the tool's exit code, and closes the connection", async () => {
    let connection: Redis | undefined;
    const code = await runCli({ REDIS_URL: inject('redisUrl') }, async (settings, redis) => {
      connection = redis;
      expect(settings.config.phase).toBe('M6');
      expect(await redis.ping()).toBe('PONG');
      return 3;
    });
    expect(code).toBe(3);
    await expect.poll(() => connection?.status).toBe('end');
  });

  it('exits 1 saying what failed when the tool throws, and still closes the connection', async () => {
    const errors = stderr();
    let connection: Redis | undefined;
    const code = await runCli({ REDIS_URL: inject('redisUrl') }, async (_settings, redis) => {
      connection = redis;
      throw new Error('the ledger is gone');
    });
    expect(code).toBe(1);
    expect(errors.mock.calls.join('\n')).toContain('Failed: the ledger is gone');
    await expect.poll(() => connection?.status).toBe('end');
  });
});
