import { describe, expect, it } from 'vitest';
import { redisUrlSecrets, secretValues } from '../../src/config/secret-values.js';

describe('secretValues', () => {
  it('collects the Slack credentials, the alert token, the ledger key, the PagerDuty key and the Redis password', () => {
    const secrets = secretValues({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'signing-1',
      SLACK_APP_TOKEN: 'xapp-1',
      MEC_ALERT_TOKEN: 'alert-token-1',
      MEC_LEDGER_KEY: 'ledger-key-1',
      MEC_PAGERDUTY_ROUTING_KEY: 'pagerduty-key-1',
      REDIS_URL: 'redis://mec:p%40ss@cache:6379/0',
      LOG_LEVEL: 'info',
    });
    expect(secrets.sort()).toEqual(
      [
        'xoxb-1',
        'signing-1',
        'xapp-1',
        'alert-token-1',
        'ledger-key-1',
        'pagerduty-key-1',
        'p%40ss',
        'p@ss',
      ].sort(),
    );
  });

  it('takes a Redis user name standing alone, without a password, as the secret', () => {
    expect(secretValues({ REDIS_URL: 'redis://token-4410@cache:6379' })).toEqual(['token-4410']);
  });

  it('holds nothing for a bot without secrets, or a Redis URL without credentials', () => {
    expect(secretValues({ REDIS_URL: 'redis://127.0.0.1:6379', SLACK_BOT_TOKEN: '' })).toEqual([]);
  });

  it('takes the password of a unix socket path from its query, which is no URL', () => {
    expect(redisUrlSecrets('/run/redis.sock?db=2&password=p%40ss').sort()).toEqual(['p%40ss', 'p@ss'].sort());
    expect(redisUrlSecrets('/run/redis.sock')).toEqual([]);
    expect(secretValues({ REDIS_URL: '/run/redis.sock?password=plain' })).toEqual(['plain']);
  });

  it('finds the password of a redis+sentinel:// URL, as written and decoded', () => {
    expect(redisUrlSecrets('redis+sentinel://mec:p%40ss@s1:26379,s2/mymaster').sort()).toEqual(
      ['p%40ss', 'p@ss'].sort(),
    );
    expect(redisUrlSecrets('redis+sentinel://:plain@s1/mymaster')).toEqual(['plain']);
    expect(redisUrlSecrets('redis+sentinel://s1,s2/mymaster')).toEqual([]);
  });
});
