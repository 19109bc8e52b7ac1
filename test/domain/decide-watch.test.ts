import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import { METRICS_GATE } from '../../src/domain/decide-watch.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  checkDone,
  minutes,
  rampEvent,
  readyState,
  startEvent,
  T0,
  trafficDone,
} from './fixtures.js';

type Tick = Extract<RolloutEvent, { type: 'watch_tick' }>;

/** A rollout at 5% with its 15-minute soak running from T0+36m. */
function soaking(): RolloutState {
  return applyAll(readyState(), [
    [rampEvent(5), minutes(35)],
    [trafficDone(5), minutes(36)],
  ]);
}

const soakTick = (state: RolloutState, fields: Partial<Tick> = {}): Tick => ({
  type: 'watch_tick',
  watch: 'soak',
  watchId: state.soak?.soakId ?? 'none',
  tripped: [],
  sourceDown: false,
  sourceErrors: 0,
  allRead: true,
  ...fields,
});

const BLOCKER = { alarm: 'latency_slo_drop', severity: 'BLOCKER', summary: 'latency 0.05 gt 0.03' } as const;
const CRITICAL = { alarm: 'quality_drop', severity: 'CRITICAL', summary: 'quality 0.4 lt 0.9' } as const;
const SOAK_END = minutes(51);

describe('decideWatchTick: one evaluation of a soak, one decision', () => {
  const cases: Array<{
    name: string;
    tick: (state: RolloutState) => Tick;
    at: Date;
    outcome: string;
    reason: string;
    check: (next: RolloutState, effects: string[]) => void;
  }> = [
    {
      name: 'a quiet evaluation before the end changes nothing',
      tick: (state) => soakTick(state),
      at: minutes(40),
      outcome: 'noop',
      reason: 'duplicate',
      check: (next) => expect(next.soak?.status).toBe('running'),
    },
    {
      name: 'a clean evaluation at the end passes the soak',
      tick: (state) => soakTick(state, { finished: { passed: true, summary: '15 evaluations, no breach' } }),
      at: SOAK_END,
      outcome: 'applied',
      reason: 'soak_passed',
      check: (next) => expect(next.soak?.status).toBe('passed'),
    },
    {
      name: 'a BLOCKER trip rolls back and ends the tick, even at the end',
      tick: (state) =>
        soakTick(state, { tripped: [BLOCKER], finished: { passed: true, summary: 'would have passed' } }),
      at: SOAK_END,
      outcome: 'applied',
      reason: 'rollback_accepted',
      check: (next, effects) => {
        expect(effects).toContain('roll_back');
        expect(next.rollback).toBeDefined();
        expect(next.soak?.status).not.toBe('passed');
      },
    },
    {
      name: 'a CRITICAL trip and the end: the gate opens and the soak is breached, in one decision',
      tick: (state) =>
        soakTick(state, {
          tripped: [CRITICAL],
          finished: { passed: false, summary: 'quality_drop reached 0.4' },
        }),
      at: SOAK_END,
      outcome: 'applied',
      reason: 'gate_opened',
      check: (next) => {
        expect(Object.keys(next.gates)).toContain('quality_drop');
        expect(next.soak?.status).toBe('breached');
      },
    },
    {
      name: 'a metrics source that keeps failing opens the metrics_source gate',
      tick: (state) => soakTick(state, { sourceDown: true, sourceErrors: 3, allRead: false }),
      at: minutes(40),
      outcome: 'applied',
      reason: 'gate_opened',
      check: (next) => expect(Object.keys(next.gates)).toContain(METRICS_GATE),
    },
  ];

  it.each(cases)('$name', ({ tick, at, outcome, reason, check }) => {
    const state = soaking();
    const decision = decide(state, tick(state), at);
    expect(decision.outcome, decision.message).toBe(outcome);
    expect(decision.reason).toBe(reason);
    check(
      (decision.state ?? state) as RolloutState,
      decision.effects.map((effect) => effect.kind),
    );
  });

  it('lists every step it took in the facts when it took more than one', () => {
    const state = soaking();
    const decision = decide(
      state,
      soakTick(state, { tripped: [CRITICAL], finished: { passed: false, summary: 'breached' } }),
      SOAK_END,
    );
    expect(decision.detail).toMatchObject({
      steps: [{ reason: 'gate_opened' }, { reason: 'soak_breached_recorded' }],
    });
  });

  it('closes the metrics gate once every alarm reads again', () => {
    const state = soaking();
    const down = decide(
      state,
      soakTick(state, { sourceDown: true, sourceErrors: 3, allRead: false }),
      minutes(40),
    );
    const gated = down.state as RolloutState;
    const back = decide(gated, soakTick(gated), minutes(41));
    expect(back).toMatchObject({ outcome: 'applied', reason: 'gate_closed' });
    expect(Object.keys((back.state as RolloutState).gates)).not.toContain(METRICS_GATE);
  });

  it('is a no-op for a soak that is not the one running, so a late or repeated tick changes nothing', () => {
    const state = soaking();
    const decision = decide(state, soakTick(state, { watchId: 'R1.999', tripped: [BLOCKER] }), minutes(40));
    expect(decision).toMatchObject({ outcome: 'noop', reason: 'duplicate' });
  });

  it('does not pass a soak before its end by this clock', () => {
    const state = soaking();
    const decision = decide(
      state,
      soakTick(state, { finished: { passed: true, summary: 'early' } }),
      minutes(50),
    );
    expect(decision).toMatchObject({ outcome: 'noop', reason: 'soak_running' });
  });
});

describe('decideWatchTick: the smoke', () => {
  function smoking(): RolloutState {
    return applyAll(null, [
      [startEvent(), T0],
      [checkDone('preflight'), minutes(0.5)],
      [checkDone('backup'), minutes(0.6)],
      [checkDone('rehearsal'), minutes(0.7)],
    ]);
  }
  const smokeTick = (state: RolloutState, fields: Partial<Tick> = {}): Tick => ({
    type: 'watch_tick',
    watch: 'smoke',
    watchId: state.checks.smoke.runId ?? 'none',
    tripped: [],
    sourceDown: false,
    sourceErrors: 0,
    allRead: true,
    ...fields,
  });

  it('passes at its end with the report it names', () => {
    const state = smoking();
    const decision = decide(
      state,
      smokeTick(state, { finished: { passed: true, summary: 'clean', ref: 'reports/run_M6_smoke.json' } }),
      minutes(31),
    );
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'check_passed' });
    expect((decision.state as RolloutState).checks.smoke).toMatchObject({
      status: 'passed',
      ref: 'reports/run_M6_smoke.json',
    });
  });

  it('fails as soon as it sees a failure, before its end', () => {
    const state = smoking();
    const decision = decide(
      state,
      smokeTick(state, { finished: { passed: false, summary: 'meta_prod left shadow during the smoke' } }),
      minutes(5),
    );
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'check_failed' });
  });

  it('opens no gate and pages nothing itself: a failing smoke is its own verdict', () => {
    const state = smoking();
    const decision = decide(state, smokeTick(state, { tripped: [BLOCKER], sourceDown: true }), minutes(5));
    expect(decision.outcome).toBe('noop');
    expect(decision.effects).toEqual([]);
  });
});
