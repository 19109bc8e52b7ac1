import { describe, expect, it } from 'vitest';
import { crossCheckEnv, envSchema } from '../../src/config/env-schema.js';

const problems = (env: Record<string, string>) => {
  const parsed = envSchema.safeParse(env);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('envSchema', () => {
  it('fills the defaults of a bare environment', () => {
    expect(envSchema.parse({})).toEqual({
      PORT: 3000,
      MEC_ADMIN_PORT: 3001,
      MEC_ADMIN_HOST: '127.0.0.1',
      MEC_SANDBOX: '0',
      MEC_REDIS_PREFIX: 'mec:',
      MEC_ROLE: 'all',
      MEC_ALLOW_VOLATILE_REDIS: '0',
      MEC_SHUTDOWN_TIMEOUT_MS: 30_000,
      LOG_LEVEL: 'info',
    });
  });

  it('takes only 0 or 1 for MEC_ALLOW_VOLATILE_REDIS, saying what each means', () => {
    expect(envSchema.parse({ MEC_ALLOW_VOLATILE_REDIS: '1' }).MEC_ALLOW_VOLATILE_REDIS).toBe('1');
    const result = envSchema.safeParse({ MEC_ALLOW_VOLATILE_REDIS: 'yes' });
    expect(result.error?.issues[0]?.message).toBe('must be 1 (allow a Redis without persistence) or 0');
  });

  it('counts an empty variable as unset, so FOO= in a .env file is no value', () => {
    expect(envSchema.parse({ PORT: '', SLACK_BOT_TOKEN: '', REDIS_URL: '', MEC_ROLE: '' })).toEqual(
      envSchema.parse({}),
    );
  });

  it('takes a cluster as REDIS_URL with a prefix that holds a hash tag, and refuses one without', () => {
    const url = 'redis+cluster://:pw@10.0.0.1:7000,10.0.0.2:7000';
    expect(envSchema.parse({ REDIS_URL: url, MEC_REDIS_PREFIX: '{mec}:' }).REDIS_URL).toBe(url);
    expect(crossCheckEnv({ REDIS_URL: url, MEC_REDIS_PREFIX: '{mec}:' })).toEqual([]);
    expect(crossCheckEnv({ REDIS_URL: url })).toEqual([
      {
        path: ['MEC_REDIS_PREFIX'],
        message: expect.stringContaining('must hold a hash tag on a Redis Cluster, e.g. {mec}:'),
      },
    ]);
  });

  it('takes a master found through Sentinel as REDIS_URL', () => {
    const url = 'redis+sentinel://:s3cret@s1:26379,s2:26380,s3/mymaster/2';
    expect(envSchema.parse({ REDIS_URL: url }).REDIS_URL).toBe(url);
  });

  it('reads a port as a number, and the settings that are given', () => {
    expect(
      envSchema.parse({
        PORT: '8080',
        REDIS_URL: 'rediss://cache:6380',
        MEC_ROLE: 'worker',
        MEC_REDIS_PREFIX: 'prod:m6:',
      }),
    ).toMatchObject({
      PORT: 8080,
      REDIS_URL: 'rediss://cache:6380',
      MEC_ROLE: 'worker',
      MEC_REDIS_PREFIX: 'prod:m6:',
    });
  });

  it.each([
    ['SLACK_BOT_TOKEN', 'xoxp-user-token', 'must be a bot token starting with xoxb-'],
    ['SLACK_APP_TOKEN', 'xoxb-1', 'must be an app-level token starting with xapp-'],
    ['REDIS_URL', 'http://localhost:6379', 'must be a redis://, rediss://, redis+sentinel://'],
    ['REDIS_URL', 'redis+sentinel://s1:26379,s2:26379', 'must be redis+sentinel://'],
    ['REDIS_URL', 'redis+sentinel://s1:99999/mymaster', 'names a host "s1:99999" that is not host:port'],
    ['MEC_ALERT_TOKEN', 'short', 'must be at least 16 characters'],
    ['MEC_REDIS_PREFIX', 'mec prod', 'may hold letters, digits, ":", "_", "-" and a {hash tag}'],
    ['MEC_CRASHPOINT', 'anywhere', ''],
    ['PORT', '70000', ''],
    ['MEC_PAGERDUTY_ROUTING_KEY', 'too-short', 'must be the 32-character integration key'],
    ['MEC_PAGERDUTY_URL', 'ftp://events.pagerduty.com', 'must be an http:// or https:// URL'],
  ])('refuses %s=%j', (name, value, message) => {
    expect(problems({ [name]: value })).toEqual([expect.stringContaining(`${name}: ${message}`)]);
  });

  it('takes a PagerDuty routing key and endpoint, and never quotes the key back in an error', () => {
    const key = 'R0UTINGKEY0123456789abcdefABCDEF';
    expect(
      envSchema.parse({
        MEC_PAGERDUTY_ROUTING_KEY: key,
        MEC_PAGERDUTY_URL: 'https://events.eu.pagerduty.com/v2/enqueue',
      }),
    ).toMatchObject({
      MEC_PAGERDUTY_ROUTING_KEY: key,
      MEC_PAGERDUTY_URL: 'https://events.eu.pagerduty.com/v2/enqueue',
    });
    const almost = `${key}X`;
    expect(problems({ MEC_PAGERDUTY_ROUTING_KEY: almost }).join('\n')).not.toContain(almost);
  });
});

describe('crossCheckEnv', () => {
  it.each([
    [{}, []],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123' }, []],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }, []],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, ['SLACK_SIGNING_SECRET']],
    [{ SLACK_SIGNING_SECRET: 'secret-123' }, ['SLACK_BOT_TOKEN']],
    [{ SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: 'xapp-1' }, ['SLACK_BOT_TOKEN']],
    [{ MEC_PAGERDUTY_URL: 'https://events.eu.pagerduty.com/v2/enqueue' }, ['MEC_PAGERDUTY_ROUTING_KEY']],
  ] as Array<[Record<string, string>, string[]]>)(
    'checks that the credentials %j go together',
    (env, wrong) => {
      expect(crossCheckEnv(env).map((issue) => issue.path[0])).toEqual(wrong);
    },
  );
});
