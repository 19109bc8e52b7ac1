import { describe, expect, it } from 'vitest';
import {
  type CoverageRule,
  coverageCount,
  judgeCoverage,
  untilNextEvaluationMs,
  type WatchWindow,
} from '../../src/domain/watch-coverage.js';
import { minutes, T0 } from './fixtures.js';

const RULE: CoverageRule = { evaluationIntervalMs: 30_000, minCoverageRatio: 0.9, maxExtensionRatio: 0.5 };

/** A 15-minute soak from T0: 30 evaluations planned, 27 needed, at most 7m30s longer. */
const SOAK: WatchWindow = {
  startedAt: T0.toISOString(),
  durationMs: 15 * 60_000,
  endsAt: minutes(15).toISOString(),
};
const extendedTo = (at: number): WatchWindow => ({ ...SOAK, endsAt: minutes(at).toISOString() });

describe('judgeCoverage: a watch passes only on what it read', () => {
  it.each([
    {
      name: 'goes on before its end',
      window: SOAK,
      read: 3,
      at: 10,
      rule: RULE,
      want: { verdict: 'watching' },
    },
    {
      name: 'is covered at its end with 27 of 30 read (0.9 × 30 is 27, not 28)',
      window: SOAK,
      read: 27,
      at: 15,
      rule: RULE,
      want: { verdict: 'covered', read: 27, planned: 30, needed: 27 },
    },
    {
      name: 'is covered with more read than planned (a retried tick read again)',
      window: SOAK,
      read: 31,
      at: 15,
      rule: RULE,
      want: { verdict: 'covered', read: 31 },
    },
    {
      name: 'extends by what it missed: 13 read, 14 more needed, 7 minutes more',
      window: SOAK,
      read: 13,
      at: 15,
      rule: RULE,
      want: { verdict: 'extend', missed: 14, endsAt: minutes(22).toISOString(), read: 13, needed: 27 },
    },
    {
      name: 'extends from when it is judged, not from the end it missed (a bot down past the end)',
      window: SOAK,
      read: 24,
      at: 17,
      rule: RULE,
      want: { verdict: 'extend', missed: 3, endsAt: minutes(18.5).toISOString() },
    },
    {
      name: 'extends no further than its limit, half its duration past its planned end',
      window: SOAK,
      read: 2,
      at: 17,
      rule: RULE,
      want: { verdict: 'extend', missed: 25, endsAt: minutes(22.5).toISOString() },
    },
    {
      name: 'extends again when the extension itself missed evaluations',
      window: extendedTo(22),
      read: 25,
      at: 22,
      rule: RULE,
      want: { verdict: 'extend', missed: 2, endsAt: minutes(22.5).toISOString() },
    },
    {
      name: 'is covered at the end of an extension that made up what it missed',
      window: extendedTo(22),
      read: 27,
      at: 22,
      rule: RULE,
      want: { verdict: 'covered', read: 27 },
    },
    {
      name: 'is blind at its limit, still short',
      window: extendedTo(22.5),
      read: 26,
      at: 22.5,
      rule: RULE,
      want: { verdict: 'blind', read: 26, planned: 30, needed: 27 },
    },
    {
      name: 'is blind long past its limit (a bot that came back much later), however little it read',
      window: SOAK,
      read: 2,
      at: 60,
      rule: RULE,
      want: { verdict: 'blind', read: 2 },
    },
    {
      name: 'is blind at its end with maxExtension 0: it never extends',
      window: SOAK,
      read: 26,
      at: 15,
      rule: { ...RULE, maxExtensionRatio: 0 },
      want: { verdict: 'blind' },
    },
    {
      name: 'needs every evaluation with minCoverage 1',
      window: SOAK,
      read: 29,
      at: 15,
      rule: { ...RULE, minCoverageRatio: 1 },
      want: { verdict: 'extend', missed: 1, needed: 30 },
    },
    {
      name: 'goes on when the clock stepped back before the watch began',
      window: SOAK,
      read: 0,
      at: -5,
      rule: RULE,
      want: { verdict: 'watching' },
    },
    {
      name: 'goes on when the clock stepped back before an extended end it had passed',
      window: extendedTo(22),
      read: 20,
      at: 20,
      rule: RULE,
      want: { verdict: 'watching' },
    },
  ])('$name', ({ window, read, at, rule, want }) => {
    expect(judgeCoverage(window, read, rule, minutes(at))).toMatchObject(want);
  });
});

describe('coverageCount: what a watch plans and needs', () => {
  it.each([
    { durationMs: 15 * 60_000, intervalMs: 30_000, ratio: 0.9, planned: 30, needed: 27 },
    { durationMs: 30 * 60_000, intervalMs: 30_000, ratio: 0.9, planned: 60, needed: 54 },
    { durationMs: 25_000, intervalMs: 1_000, ratio: 0.9, planned: 25, needed: 23 },
    { durationMs: 1_000, intervalMs: 300, ratio: 0.9, planned: 3, needed: 3 },
    { durationMs: 10_000, intervalMs: 60_000, ratio: 0.9, planned: 1, needed: 1 },
    { durationMs: 30_000, intervalMs: 1_000, ratio: 0.01, planned: 30, needed: 1 },
  ])('$durationMs ms every $intervalMs ms at $ratio: $needed of $planned', (row) => {
    const rule = { ...RULE, evaluationIntervalMs: row.intervalMs, minCoverageRatio: row.ratio };
    expect(coverageCount(row.durationMs, 0, rule)).toEqual({
      read: 0,
      planned: row.planned,
      needed: row.needed,
    });
  });
});

describe('untilNextEvaluationMs: evaluations keep to the grid of the watch start', () => {
  it.each([
    { name: 'on a grid point: a whole interval', sinceStartMs: 60_000, want: 30_000 },
    { name: 'an evaluation that took 4 s: the rest of the interval', sinceStartMs: 64_000, want: 26_000 },
    {
      name: 'late by more than half an interval: never sooner than half',
      sinceStartMs: 80_000,
      want: 15_000,
    },
    {
      name: 'a clock that stepped back before the start: the grid still holds',
      sinceStartMs: -20_000,
      want: 20_000,
    },
  ])('$name', ({ sinceStartMs, want }) => {
    expect(untilNextEvaluationMs(T0.toISOString(), T0.getTime() + sinceStartMs, 30_000)).toBe(want);
  });
});
