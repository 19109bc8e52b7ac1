import { z } from 'zod';

// An empty variable counts as unset, so `FOO=` in a .env file does not pass as a value.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const envSchema = z.object({
  SLACK_BOT_TOKEN: optional(z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-')),
  SLACK_SIGNING_SECRET: optional(z.string().min(8)),
  SLACK_APP_TOKEN: optional(z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-')),
  SLACK_API_URL: optional(z.url({ protocol: /^https?$/ })),
  REDIS_URL: optional(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })),
  PORT: z.preprocess(
    (value) => (value === '' || value === undefined ? '3000' : value),
    z.coerce.number().int().min(1).max(65_535),
  ),
  MEC_CONFIG: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().default('examples/m6/mec.config.yml'),
  ),
  MEC_WORKSPACE: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().default('examples/m6/workspace'),
  ),
  MEC_ALERT_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  MEC_ROLE: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.enum(['all', 'web', 'worker']).default('all'),
  ),
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
  return issues;
}

export type MecEnv = z.output<typeof envSchema>;
