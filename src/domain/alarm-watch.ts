/** The part of an alarm's config the evaluation needs. */
export interface WatchedAlarm {
  name: string;
  severity: 'BLOCKER' | 'CRITICAL' | 'WARNING';
  comparator: 'gt' | 'gte' | 'lt' | 'lte';
  threshold: number;
}

/** One evaluation of one alarm: a value, or an error from the metrics source (never read as healthy). */
export type Reading = { alarm: string; value: number } | { alarm: string; error: string };

export function breaches(alarm: WatchedAlarm, value: number): boolean {
  switch (alarm.comparator) {
    case 'gt':
      return value > alarm.threshold;
    case 'gte':
      return value >= alarm.threshold;
    case 'lt':
      return value < alarm.threshold;
    case 'lte':
      return value <= alarm.threshold;
  }
}

/** What a watch (the smoke, or a soak) has seen so far. Plain data, so it can travel in job data. */
export interface WatchCounters {
  /** Consecutive breaching evaluations, by alarm. */
  breaches: Record<string, number>;
  /** Consecutive evaluations in which the metrics source failed. */
  sourceErrors: number;
  /** Evaluations, in all, in which the metrics source failed: a watch with any is not a clean pass. */
  unreadEvaluations: number;
  /** Every alarm that breached at least once, with the worst value seen. */
  breached: Record<string, number>;
  evaluations: number;
}

export const NO_COUNTS: WatchCounters = {
  breaches: {},
  sourceErrors: 0,
  unreadEvaluations: 0,
  breached: {},
  evaluations: 0,
};

export interface WatchPolicy {
  breachesToTrip: number;
  errorsToGate: number;
}

export interface WatchStep {
  counters: WatchCounters;
  /** A BLOCKER or CRITICAL alarm that breached on `breachesToTrip` consecutive evaluations. */
  tripped: Array<{ alarm: WatchedAlarm; value: number }>;
  /** True when the metrics source failed `errorsToGate` times in a row: a CRITICAL gate opens. */
  sourceDown: boolean;
}

/**
 * Folds one round of readings into the counters. A source error resets nothing to healthy: it counts
 * toward `errorsToGate` and leaves each alarm's breach streak where it was.
 */
export function watch(
  counters: WatchCounters,
  alarms: readonly WatchedAlarm[],
  readings: readonly Reading[],
  policy: WatchPolicy,
): WatchStep {
  const next: WatchCounters = {
    breaches: { ...counters.breaches },
    sourceErrors: counters.sourceErrors,
    unreadEvaluations: counters.unreadEvaluations ?? 0,
    breached: { ...counters.breached },
    evaluations: counters.evaluations + 1,
  };
  const tripped: WatchStep['tripped'] = [];
  let failed = false;
  for (const reading of readings) {
    const alarm = alarms.find((candidate) => candidate.name === reading.alarm);
    if (!alarm) continue;
    if ('error' in reading) {
      failed = true;
      continue;
    }
    if (!breaches(alarm, reading.value)) {
      next.breaches[alarm.name] = 0;
      continue;
    }
    const streak = (Object.hasOwn(next.breaches, alarm.name) ? (next.breaches[alarm.name] ?? 0) : 0) + 1;
    next.breaches[alarm.name] = streak;
    next.breached[alarm.name] = reading.value;
    if (alarm.severity !== 'WARNING' && streak === policy.breachesToTrip)
      tripped.push({ alarm, value: reading.value });
  }
  next.sourceErrors = failed ? counters.sourceErrors + 1 : 0;
  if (failed) next.unreadEvaluations += 1;
  // At or past the limit, every failing round reports the outage; opening a gate twice is a no-op.
  return { counters: next, tripped, sourceDown: failed && next.sourceErrors >= policy.errorsToGate };
}

/**
 * What one evaluation says of an alarm whose incident is open: it cleared (with the value read), it
 * still breaches, or the source could not say, which is never taken as clear.
 */
export type Clearance = { cleared: true; value: number } | { cleared: false; why: 'breaching' | 'unread' };

export function clearanceOf(alarm: WatchedAlarm, reading: Reading): Clearance {
  if ('error' in reading) return { cleared: false, why: 'unread' };
  return breaches(alarm, reading.value)
    ? { cleared: false, why: 'breaching' }
    : { cleared: true, value: reading.value };
}
