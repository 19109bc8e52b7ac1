import { clusterTargetOf, sentinelTargetOf } from './redis-url.js';
/** Variables whose whole value is a secret. */
export const SECRET_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'MEC_ALERT_TOKEN',
  'MEC_LEDGER_KEY',
  'MEC_PAGERDUTY_ROUTING_KEY',
] as const;

/**
 * Every secret value the bot holds, read from its raw environment: the Slack credentials, the alert
 * token, the ledger key, the PagerDuty routing key and the password in REDIS_URL (as written and
 * decoded). Output that leaves the bot (pre-flight command output) is scrubbed of each.
 */
export function secretValues(raw: Readonly<Record<string, string | undefined>>): string[] {
  const secrets: string[] = SECRET_VARIABLES.map((name) => raw[name] ?? '');
  const redisUrl = raw.REDIS_URL;
  if (redisUrl) secrets.push(...redisUrlSecrets(redisUrl));
  return [...new Set(secrets.filter((secret) => secret !== ''))];
}

/**
 * The secrets in a Redis connection string as ioredis takes it, as written and decoded: the password
 * (or a user name standing alone) of a redis:// or rediss:// URL, or the `password` of a unix socket's
 * path (`/run/redis.sock?password=...`), which is no URL, or of a `redis+sentinel://` or `redis+cluster://` one. Any other
 * string is taken whole.
 */
export function redisUrlSecrets(redisUrl: string): string[] {
  if (redisUrl.startsWith('/') && !redisUrl.startsWith('//')) {
    const query = redisUrl.indexOf('?');
    if (query < 0) return [];
    const written = redisUrl
      .slice(query + 1)
      .split('&')
      .filter((pair) => pair.startsWith('password='))
      .map((pair) => pair.slice('password='.length));
    const decoded = new URLSearchParams(redisUrl.slice(query + 1)).getAll('password');
    return [...new Set([...written, ...decoded].filter((secret) => secret !== ''))];
  }
  const several = sentinelTargetOf(redisUrl) ?? clusterTargetOf(redisUrl);
  if (typeof several === 'object') {
    const secret = several.password ?? several.username ?? '';
    const written = /^redis\+(?:sentinel|cluster):\/\/([^@/]*)@/.exec(redisUrl)?.[1] ?? '';
    const raw = written.includes(':') ? written.slice(written.indexOf(':') + 1) : written;
    return [...new Set([secret, raw].filter((value) => value !== ''))];
  }
  try {
    const { username, password } = new URL(redisUrl);
    // The password is the credential. A user name is scrubbed only when it stands alone, where it is
    // the secret; otherwise a name like `mec` would blank every path that contains it.
    const secret = password || username;
    return secret === '' ? [] : [...new Set([secret, safeDecode(secret)])];
  } catch {
    // Not a URL: env-schema refuses it before anything runs; scrub the whole value meanwhile.
    return [redisUrl];
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
