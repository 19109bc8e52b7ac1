import { MecError } from './errors.js';

/** A value that survives a JSON round trip unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Serialises a JSON value with object keys sorted by UTF-16 code units and no white space, so equal
 * values always give equal bytes (the key order of RFC 8785; numbers as ECMAScript prints them).
 * Throws on values JSON cannot represent, rather than silently dropping them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new MecError(
        'not_json',
        `canonicalJson: ${value} is not a JSON number; pass finite numbers only`,
      );
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new MecError(
    'not_json',
    `canonicalJson: a ${typeof value} is not JSON; convert it to a JSON value first`,
  );
}
