import { stdSerializers } from 'pino';
import { REDACTED, scrubSecretShapes } from './scrub-secrets.js';

/**
 * Key names whose values are secrets, compared in lower case without `_` and `-`, so `botToken`,
 * `SLACK_BOT_TOKEN`, `Authorization` and `response_url` all match. A key that ends in one of these
 * (`appToken`, `signingSecret`, `redisPassword`), or in its plural (`secrets`), counts too.
 */
const SECRET_KEY =
  /(tokens?|secrets?|passwords?|passwd|authorization|cookies?|apikeys?|responseurls?|privatekeys?|ledgerkeys?|routingkeys?)$/;

/** How deep a logged object is walked; what lies deeper is dropped, not printed unchecked. */
const MAX_DEPTH = 10;

/** Whether a value under `key` is a secret by its name alone. */
export const isSecretKey = (key: string) => SECRET_KEY.test(key.toLowerCase().replaceAll(/[_-]/g, ''));

/**
 * A copy of `value` fit for a log line: the value of every key that names a secret, at any depth and
 * in any case, is `[redacted]`, and every string is scrubbed of what looks like a Slack token, a
 * response_url or a credential. Errors become pino's plain error objects first (message, stack, and
 * their own fields, such as an HTTP client's `config.headers`), so their fields are walked too. A
 * cycle is cut at `[circular]`, and what lies past MAX_DEPTH is `[too deep]`.
 */
export function redactForLog(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, path: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubSecretShapes(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (path.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  const source: object = value instanceof Error ? stdSerializers.err(value) : value;
  // The objects on the way down, not every one seen: the same object twice side by side is no cycle.
  path.add(value);
  try {
    if (Array.isArray(source)) return source.map((item) => walk(item, depth + 1, path));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(source))
      copy[key] =
        isSecretKey(key) && item !== undefined && item !== null ? REDACTED : walk(item, depth + 1, path);
    return copy;
  } finally {
    path.delete(value);
  }
}
