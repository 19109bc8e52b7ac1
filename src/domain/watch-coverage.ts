/** The CRITICAL gate a watch (the smoke or a soak) opens when it could not read enough evaluations. */
export const WATCH_BLIND_GATE = 'watch_blind';

/** How a watch is judged on what it read, from the config's `metrics`. */
export interface CoverageRule {
  /** Time between two evaluations, in milliseconds. */
  evaluationIntervalMs: number;
  /** The share of the planned evaluations (duration / interval) a watch must read to pass: 0 < x ≤ 1. */
  minCoverageRatio: number;
  /** How much longer than planned a watch may run to make up what it missed, as a share of its duration. */
  maxExtensionRatio: number;
}

/** When a watch runs: its start, its planned duration, and its end as it stands (later once extended). */
export interface WatchWindow {
  /** ISO-8601 UTC. */
  startedAt: string;
  durationMs: number;
  /** ISO-8601 UTC. */
  endsAt: string;
}

/** What a watch read against what it should have: `needed` of `planned` evaluations. */
export interface CoverageCount {
  read: number;
  planned: number;
  needed: number;
}

export type CoverageVerdict =
  /** Its end has not come by this clock (a clock that stepped back included): it goes on. */
  | { verdict: 'watching' }
  /** It read enough: its alarms decide how it ends. */
  | ({ verdict: 'covered' } & CoverageCount)
  /** It read too few: it goes on until `endsAt` (ISO-8601 UTC) to read what it missed. */
  | ({ verdict: 'extend'; endsAt: string; missed: number } & CoverageCount)
  /** It read too few by its latest end: it fails with the watch_blind gate, never as a pass. */
  | ({ verdict: 'blind' } & CoverageCount);

/** Slack for `ratio × planned`, which floating point makes 27.000000000000004 for 0.9 × 30. */
const EPSILON = 1e-9;

/**
 * Judges a watch at `now` on the evaluations it read. A watch that read fewer than `minCoverageRatio`
 * of its planned evaluations at its end watches on for as many intervals as it missed, but never past
 * its planned end plus `maxExtensionRatio` of its duration; short there, it is blind.
 */
export function judgeCoverage(
  window: WatchWindow,
  read: number,
  rule: CoverageRule,
  now: Date,
): CoverageVerdict {
  const nowMs = now.getTime();
  if (nowMs < Date.parse(window.endsAt)) return { verdict: 'watching' };
  const count = coverageCount(window.durationMs, read, rule);
  if (count.read >= count.needed) return { verdict: 'covered', ...count };
  const limitMs =
    Date.parse(window.startedAt) + window.durationMs + Math.round(rule.maxExtensionRatio * window.durationMs);
  if (nowMs >= limitMs) return { verdict: 'blind', ...count };
  const missed = count.needed - count.read;
  const endsAt = new Date(Math.min(nowMs + missed * rule.evaluationIntervalMs, limitMs)).toISOString();
  return { verdict: 'extend', endsAt, missed, ...count };
}

/** How many evaluations a watch of `durationMs` plans (at least one) and how many of them it needs. */
export function coverageCount(durationMs: number, read: number, rule: CoverageRule): CoverageCount {
  const planned = Math.max(1, Math.floor(durationMs / rule.evaluationIntervalMs));
  const needed = Math.min(planned, Math.max(1, Math.ceil(rule.minCoverageRatio * planned - EPSILON)));
  return { read: Math.max(0, read), planned, needed };
}

/**
 * How long after `nowMs` a watch's next evaluation is due. Evaluations keep to the grid of the watch's
 * start, one every interval, so the time each one takes does not add up into fewer evaluations than
 * planned (and an extension to make them up). One that runs late is followed no sooner than half an
 * interval later: evaluations are never crowded together to catch up.
 */
export function untilNextEvaluationMs(startedAt: string, nowMs: number, intervalMs: number): number {
  const sinceGridMs = (((nowMs - Date.parse(startedAt)) % intervalMs) + intervalMs) % intervalMs;
  return Math.max(intervalMs / 2, intervalMs - sinceGridMs);
}
