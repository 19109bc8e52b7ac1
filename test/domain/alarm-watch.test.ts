import { describe, expect, it } from 'vitest';
import {
  breaches,
  clearanceOf,
  NO_COUNTS,
  type Reading,
  type WatchedAlarm,
  watch,
} from '../../src/domain/alarm-watch.js';

const LATENCY: WatchedAlarm = {
  name: 'latency_slo_drop',
  severity: 'BLOCKER',
  comparator: 'gt',
  threshold: 0.03,
};
const VARIANCE: WatchedAlarm = {
  name: 'determinism_variance',
  severity: 'CRITICAL',
  comparator: 'gt',
  threshold: 0.08,
};
const DRIFT: WatchedAlarm = { name: 'feature_drift', severity: 'WARNING', comparator: 'gt', threshold: 0 };
const ALARMS = [LATENCY, VARIANCE, DRIFT];
const POLICY = { breachesToTrip: 2, errorsToGate: 3 };

function run(rounds: Reading[][]) {
  let counters = NO_COUNTS;
  const steps = [];
  for (const readings of rounds) {
    const step = watch(counters, ALARMS, readings, POLICY);
    steps.push(step);
    counters = step.counters;
  }
  return steps;
}

describe('breaches', () => {
  it.each([
    ['gt', 0.03, 0.031, true],
    ['gt', 0.03, 0.03, false],
    ['gte', 0.03, 0.03, true],
    ['lt', 0.99, 0.98, true],
    ['lte', 0.99, 0.995, false],
  ] as const)('%s %d with %d is %s', (comparator, threshold, value, expected) => {
    expect(breaches({ ...LATENCY, comparator, threshold }, value)).toBe(expected);
  });
});

describe('clearanceOf', () => {
  it.each([
    [
      'a value within the threshold clears',
      { alarm: LATENCY.name, value: 0.01 },
      { cleared: true, value: 0.01 },
    ],
    [
      'the threshold itself clears a gt alarm',
      { alarm: LATENCY.name, value: 0.03 },
      { cleared: true, value: 0.03 },
    ],
    [
      'a value still over it does not',
      { alarm: LATENCY.name, value: 0.2 },
      { cleared: false, why: 'breaching' },
    ],
    [
      'an error is never taken as clear',
      { alarm: LATENCY.name, error: 'timeout' },
      { cleared: false, why: 'unread' },
    ],
  ] as Array<[string, Reading, ReturnType<typeof clearanceOf>]>)('%s', (_what, reading, expected) => {
    expect(clearanceOf(LATENCY, reading)).toEqual(expected);
  });
});

describe('watch', () => {
  it('trips a BLOCKER on the breachesToTrip-th consecutive breach, once', () => {
    const steps = run([
      [{ alarm: 'latency_slo_drop', value: 0.05 }],
      [{ alarm: 'latency_slo_drop', value: 0.06 }],
      [{ alarm: 'latency_slo_drop', value: 0.07 }],
    ]);
    expect(steps.map((step) => step.tripped.map((trip) => trip.alarm.name))).toEqual([
      [],
      ['latency_slo_drop'],
      [],
    ]);
  });

  it('starts the streak again after a healthy evaluation', () => {
    const steps = run([
      [{ alarm: 'latency_slo_drop', value: 0.05 }],
      [{ alarm: 'latency_slo_drop', value: 0.01 }],
      [{ alarm: 'latency_slo_drop', value: 0.05 }],
    ]);
    expect(steps.every((step) => step.tripped.length === 0)).toBe(true);
    expect(steps[2]?.counters.breached).toEqual({ latency_slo_drop: 0.05 });
  });

  it('never trips on a WARNING, but remembers it breached', () => {
    const steps = run([[{ alarm: 'feature_drift', value: 1 }], [{ alarm: 'feature_drift', value: 2 }]]);
    expect(steps.every((step) => step.tripped.length === 0)).toBe(true);
    expect(steps[1]?.counters.breached).toEqual({ feature_drift: 2 });
  });

  it('opens the metrics-source gate after errorsToGate failures in a row, and never reads a failure as healthy', () => {
    const error: Reading[] = [{ alarm: 'latency_slo_drop', error: 'connection refused' }];
    const steps = run([[{ alarm: 'latency_slo_drop', value: 0.05 }], error, error, error]);
    expect(steps.map((step) => step.sourceDown)).toEqual([false, false, false, true]);
    expect(steps[3]?.counters.breaches.latency_slo_drop).toBe(1);
  });

  it('counts source errors again from zero after a clean round', () => {
    const error: Reading[] = [{ alarm: 'latency_slo_drop', error: 'timeout' }];
    const steps = run([error, error, [{ alarm: 'latency_slo_drop', value: 0 }], error, error]);
    expect(steps.some((step) => step.sourceDown)).toBe(false);
  });
});
