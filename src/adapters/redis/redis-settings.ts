import type { Redis } from 'ioredis';
import { MecError } from '../../domain/errors.js';

/** What the bot needs of a production Redis, as the server reports it. */
export interface RedisSettings {
  /**
   * Whether the data outlives a restart: an append-only file or RDB snapshots. Undefined when the
   * server does not let us read its config (CONFIG is often disabled on managed Redis).
   */
  persists: boolean | undefined;
  /** What was read, for the message: `appendonly yes, save "3600 1"`, or why nothing could be. */
  detail: string;
  /** Settings that work but put jobs at risk, each with what to do. */
  warnings: string[];
}

/** Reads the persistence and eviction settings that decide whether the bot can trust what it stored. */
export async function readRedisSettings(redis: Redis): Promise<RedisSettings> {
  let values: Map<string, string>;
  try {
    values = new Map();
    for (const name of ['appendonly', 'save', 'maxmemory-policy']) {
      const [, value] = (await redis.call('CONFIG', 'GET', name)) as [string?, string?];
      if (value !== undefined) values.set(name, value);
    }
  } catch (error) {
    // Only a server that answers and refuses CONFIG (an ACL, or a renamed command) leaves it unknown; one
    // that does not answer at all must not slip past the check.
    if (!/NOPERM|unknown command/i.test((error as Error).message))
      throw new MecError(
        'redis_unreachable',
        `could not ask Redis for its settings (${(error as Error).message}); check REDIS_URL and that Redis is up`,
      );
    return {
      persists: undefined,
      detail: `CONFIG GET is not allowed (${(error as Error).message})`,
      warnings: [
        'could not read whether Redis persists its data or evicts keys; make sure it keeps an append-only file or RDB snapshots, with maxmemory-policy noeviction',
      ],
    };
  }
  const appendOnly = values.get('appendonly') === 'yes';
  const save = values.get('save') ?? '';
  const policy = values.get('maxmemory-policy');
  const warnings =
    policy === undefined || policy === 'noeviction'
      ? []
      : [
          `maxmemory-policy is ${policy}: under memory pressure Redis may evict job and rollout keys; BullMQ needs noeviction (CONFIG SET maxmemory-policy noeviction)`,
        ];
  return {
    persists: appendOnly || save.trim() !== '',
    detail: `appendonly ${appendOnly ? 'yes' : 'no'}, save "${save}"`,
    warnings,
  };
}
