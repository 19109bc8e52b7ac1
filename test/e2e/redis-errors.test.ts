import { afterEach, describe, expect, it } from 'vitest';
import { type LocalRedis, startLocalRedis } from '../../src/infra/local-redis-server.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { type BotProcess, compressedConfigFile, startBotProcess } from '../support/processes.js';
import { SIGNING_SECRET } from '../support/slack-requests.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const BOT_TOKEN = 'xoxb-test-token-redis-errors';

/** The JSON lines a process printed; anything else it printed is returned as `raw`. */
function linesOf(output: string): { json: Array<Record<string, unknown>>; raw: string[] } {
  const json: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  for (const line of output.split('\n').filter(Boolean)) {
    try {
      json.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      raw.push(line);
    }
  }
  return { json, raw };
}

describe('a bot process whose Redis stops', () => {
  it('logs the outage through its logger, once per connection, and prints no unhandled ioredis error', async () => {
    // A redis-server of this test's own, so stopping it touches no other test.
    const server: LocalRedis = await startLocalRedis({});
    cleanups.push(() => server.stop());
    const standIn = new SlackApiStandIn();
    await standIn.start();
    cleanups.push(() => standIn.stop());
    const bot: BotProcess = await startBotProcess({
      MEC_CONFIG: await compressedConfigFile(),
      MEC_WORKSPACE: await copyExampleWorkspace(),
      REDIS_URL: server.url,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: standIn.apiUrl,
      MEC_SHUTDOWN_TIMEOUT_MS: '5000',
    });
    cleanups.push(() => bot.kill('SIGKILL'));

    await server.stop();
    const outages = () =>
      linesOf(bot.output())
        .json.filter((line) => line.msg === 'Redis unreachable; reconnecting')
        .map((line) => line.redis);
    await expect.poll(() => outages().sort(), { timeout: 20_000 }).toEqual(['commands', 'jobs']);
    // Its workers go on retrying (and ioredis reconnecting) for a while before the stop.
    await expect
      .poll(
        () => linesOf(bot.output()).json.filter((line) => line.level === 50 || line.level === 40).length,
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThan(2);
    // A stop with Redis gone closes BullMQ's connections, and their duplicates, while they reconnect.
    await bot.kill('SIGTERM');

    const { json, raw } = linesOf(bot.output());
    expect(raw.filter((line) => line.includes('Unhandled error event'))).toEqual([]);
    expect(raw).toEqual([]);
    expect(outages().sort()).toEqual(['commands', 'jobs']);
    expect(json.some((line) => line.msg === 'shutting down')).toBe(true);
    expect(bot.output()).not.toContain(BOT_TOKEN);
  }, 90_000);
});
