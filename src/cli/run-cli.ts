import type { Redis } from 'ioredis';
import { openRedis } from '../composition/open-redis.js';
import { loadSettings, type Settings } from '../config/load-settings.js';

/**
 * Runs a command-line tool that needs the settings and Redis: reports configuration problems and a
 * missing REDIS_URL with what to do, and always closes the connection. Resolves to the exit code.
 */
export async function runCli(
  env: Record<string, string | undefined>,
  body: (settings: Settings, redis: Redis) => Promise<number>,
): Promise<number> {
  const result = await loadSettings(env);
  if (!result.ok) {
    console.error(
      `Configuration problems:\n${result.problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    return 2;
  }
  const url = result.settings.env.REDIS_URL;
  if (!url) {
    console.error(
      'Set REDIS_URL to the Redis that holds the ledger (npm start prints the URL of its local one).',
    );
    return 2;
  }
  const redis = openRedis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
  try {
    await redis.connect();
    return await body(result.settings, redis);
  } catch (error) {
    console.error(`Failed: ${(error as Error).message}`);
    return 1;
  } finally {
    redis.disconnect();
  }
}
