import { z } from 'zod';
import { clusterTargetOf, hashTagOf, sentinelTargetOf } from './redis-url.js';

// An empty variable counts as unset, so `FOO=` in a .env file does not pass as a value.
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((value) => unsetIfEmpty(value) ?? fallback, schema);

export const envSchema = z.object({
  SLACK_BOT_TOKEN: optional(z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-')),
  SLACK_SIGNING_SECRET: optional(z.string().min(8)),
  SLACK_APP_TOKEN: optional(z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-')),
  SLACK_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /**
   * A Redis (`redis://`, `rediss://`), a master found through Sentinel (`redis+sentinel://`), or a
   * cluster (`redis+cluster://`, with a MEC_REDIS_PREFIX that holds a hash tag).
   */
  REDIS_URL: optional(
    z.string().superRefine((value, context) => {
      const target = sentinelTargetOf(value) ?? clusterTargetOf(value);
      if (typeof target === 'string') context.addIssue({ code: 'custom', message: target });
      else if (target === undefined && !z.url({ protocol: /^rediss?$/ }).safeParse(value).success)
        context.addIssue({
          code: 'custom',
          message:
            'must be a redis://, rediss://, redis+sentinel://host:port,.../<master> or redis+cluster://host:port,... URL',
        });
    }),
  ),
  PORT: withDefault(z.coerce.number().int().min(1).max(65_535), '3000'),
  /**
   * The admin listener's port: /metrics, /dashboard and the sandbox page, kept off the public port.
   * 0 takes any free port (the "up" log line names it).
   */
  MEC_ADMIN_PORT: withDefault(z.coerce.number().int().min(0).max(65_535), '3001'),
  /** Where the admin listener binds. Loopback by default, so only the host itself can read it. */
  MEC_ADMIN_HOST: withDefault(z.string(), '127.0.0.1'),
  /** The YAML config. Unset: the example M6 config, or its seconds-long demo twin for the sandbox. */
  MEC_CONFIG: optional(z.string()),
  /** The release workspace. Unset: the sandbox's own copy of the example, under .mec-sandbox/. */
  MEC_WORKSPACE: optional(z.string()),
  /** The Ed25519 private key that signs ledger checkpoints: a PEM, or the path of one. A secret. */
  MEC_LEDGER_KEY: optional(z.string()),
  /**
   * The Events API v2 integration key of a PagerDuty service: with it, BLOCKER and CRITICAL incidents
   * page there too. A secret, read here only and handed to the pager worker.
   */
  MEC_PAGERDUTY_ROUTING_KEY: optional(
    z
      .string()
      .regex(
        /^[A-Za-z0-9]{32}$/,
        "must be the 32-character integration key of the service's Events API v2 integration",
      ),
  ),
  /** The Events API v2 endpoint: PagerDuty's, unless given (the EU service's, or a stand-in). */
  MEC_PAGERDUTY_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })),
  MEC_ALERT_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  /**
   * Prefix of every Redis key, so several deployments can share one Redis. On a cluster it holds a hash
   * tag (`{mec}:`), which puts every key of the deployment in one slot.
   */
  MEC_REDIS_PREFIX: withDefault(
    z.string().regex(/^[A-Za-z0-9:_{}-]+$/, 'may hold letters, digits, ":", "_", "-" and a {hash tag}'),
    'mec:',
  ),
  MEC_ROLE: withDefault(z.enum(['all', 'web', 'worker']), 'all'),
  /**
   * 1 lets the bot run on a Redis that keeps nothing on disk (no AOF, no RDB). Outside the sandbox it
   * refuses such a Redis by default: a restart would forget which traffic the bot moved.
   */
  MEC_ALLOW_VOLATILE_REDIS: withDefault(
    z.enum(['0', '1'], 'must be 1 (allow a Redis without persistence) or 0'),
    '0',
  ),
  /**
   * 1 runs the local sandbox even from the built bot or with NODE_ENV=production. Unset, only `npm start`
   * without Slack credentials (and not in production) runs it; see `runMode`.
   */
  MEC_SANDBOX: withDefault(z.enum(['0', '1'], 'must be 1 (run the local sandbox) or 0'), '0'),
  /** For crash tests only: a worker that reaches the named point stops there until it is killed. */
  MEC_CRASHPOINT: optional(z.string().regex(/^[a-z_]+:[a-z_]+$/)),
  /**
   * How long a stop (SIGTERM, SIGINT) may take before the process exits anyway, with status 1: a Redis
   * that is gone would otherwise hold the queues' close, and the stop, forever.
   */
  MEC_SHUTDOWN_TIMEOUT_MS: withDefault(z.coerce.number().int().min(1_000).max(600_000), '30000'),
  LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
});

/** Which Slack credentials go together. Reads the raw environment, so it reports alongside field errors. */
export function crossCheckEnv(
  raw: Record<string, string | undefined>,
): Array<{ path: PropertyKey[]; message: string }> {
  const set = (name: string) => (raw[name] ?? '') !== '';
  const issues: Array<{ path: PropertyKey[]; message: string }> = [];
  if (set('SLACK_BOT_TOKEN') && !set('SLACK_SIGNING_SECRET') && !set('SLACK_APP_TOKEN')) {
    issues.push({
      path: ['SLACK_SIGNING_SECRET'],
      message:
        'is required with SLACK_BOT_TOKEN for the HTTP receiver (or set SLACK_APP_TOKEN for Socket Mode)',
    });
  }
  if (!set('SLACK_BOT_TOKEN') && (set('SLACK_SIGNING_SECRET') || set('SLACK_APP_TOKEN'))) {
    issues.push({ path: ['SLACK_BOT_TOKEN'], message: 'is required when any other Slack credential is set' });
  }
  const redisUrl = typeof raw.REDIS_URL === 'string' ? raw.REDIS_URL : '';
  const prefix =
    typeof raw.MEC_REDIS_PREFIX === 'string' && raw.MEC_REDIS_PREFIX !== '' ? raw.MEC_REDIS_PREFIX : 'mec:';
  if (typeof clusterTargetOf(redisUrl) === 'object' && hashTagOf(prefix) === undefined) {
    issues.push({
      path: ['MEC_REDIS_PREFIX'],
      message: `must hold a hash tag on a Redis Cluster, e.g. {${prefix.replace(/:$/, '')}}:, so that every key the bot and its queues use is in one slot`,
    });
  }
  if (set('MEC_PAGERDUTY_URL') && !set('MEC_PAGERDUTY_ROUTING_KEY')) {
    issues.push({
      path: ['MEC_PAGERDUTY_ROUTING_KEY'],
      message: 'is required with MEC_PAGERDUTY_URL: without it nothing is paged in PagerDuty',
    });
  }
  // The defaults (3000, 3001) differ; a port set to the other's value would fail to listen.
  if (Number(raw.MEC_ADMIN_PORT || '3001') === Number(raw.PORT || '3000')) {
    issues.push({
      path: ['MEC_ADMIN_PORT'],
      message: 'must differ from PORT: the admin pages are kept off the public port',
    });
  }
  return issues;
}

export type MecEnv = z.output<typeof envSchema>;
