/**
 * Reads a record's own property only. State records are keyed by ids from config and alarms, and an id
 * such as `constructor` must not find Object.prototype's member.
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
