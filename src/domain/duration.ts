const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d+)(ms|s|m|h|d)/gy;

/**
 * Parses a duration such as `15m`, `30s`, `250ms` or `1h30m` into milliseconds.
 * Returns undefined for anything else, including an empty string and a bare number.
 */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  PART.lastIndex = 0;
  let totalMs = 0;
  let consumed = 0;
  for (let match = PART.exec(trimmed); match; match = PART.exec(trimmed)) {
    totalMs += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
    consumed = PART.lastIndex;
  }
  return consumed === trimmed.length && Number.isSafeInteger(totalMs) ? totalMs : undefined;
}

/** Formats milliseconds in the largest whole units, the inverse of parseDurationMs: 900000 -> `15m`. */
export function formatDurationMs(totalMs: number): string {
  if (totalMs === 0) return '0s';
  let rest = totalMs;
  let text = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const count = Math.floor(rest / UNIT_MS[unit]);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * UNIT_MS[unit];
    }
  }
  return text;
}
