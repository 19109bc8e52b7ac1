import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import { METRICS_GATE } from '../../src/domain/decide-watch.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { WATCH_BLIND_GATE } from '../../src/domain/watch-coverage.js';
import {
  applyAll,
  checkDone,
  expectRefused,
  minutes,
  ROOT_A,
  rampEvent,
  readyState,
  startEvent,
  T0,
  trafficDone,
  U_GOV,
  U_RM,
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

describe('decideWatchTick: coverage', () => {
  const EXTENDED = { endsAt: minutes(58).toISOString(), read: 13, planned: 30, needed: 27 };
  const BLIND = {
    passed: false,
    summary: 'read 20 of 30 evaluations by its latest end, 27 needed',
    blind: true,
  };
  const blindSoak = () => {
    const state = soaking();
    return decide(state, soakTick(state, { finished: BLIND }), minutes(58.5)).state as RolloutState;
  };
  const override = (actor = U_GOV, reason = 'the dashboards were watched by hand'): RolloutEvent => ({
    type: 'override_gate',
    actor,
    gateId: WATCH_BLIND_GATE,
    reason,
  });

  it('extends a soak short of coverage at its end, and says how far it got', () => {
    const state = soaking();
    const decision = decide(state, soakTick(state, { extended: EXTENDED }), SOAK_END);
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'watch_extended', effects: [] });
    expect(decision.message).toContain('read 13 of 30 evaluations, 27 needed');
    expect((decision.state as RolloutState).soak).toMatchObject({
      status: 'running',
      endsAt: EXTENDED.endsAt,
    });
  });

  it('does not move an extended end earlier: a repeated or older extension changes nothing', () => {
    const state = soaking();
    const extended = decide(state, soakTick(state, { extended: EXTENDED }), SOAK_END).state as RolloutState;
    const again = { ...EXTENDED, endsAt: minutes(57).toISOString() };
    expect(decide(extended, soakTick(extended, { extended: again }), minutes(58))).toMatchObject({
      outcome: 'noop',
      reason: 'duplicate',
    });
  });

  it('does not extend a soak whose end has not come by its own clock (a clock that stepped back)', () => {
    const state = soaking();
    const decision = decide(state, soakTick(state, { extended: EXTENDED }), minutes(50));
    expect(decision).toMatchObject({ outcome: 'noop', reason: 'soak_running' });
  });

  it('keeps the soak running when the clock stepped back and the tick changed something else', () => {
    const state = decide(
      soaking(),
      soakTick(soaking(), { sourceDown: true, sourceErrors: 3, allRead: false }),
      minutes(40),
    ).state as RolloutState;
    const decision = decide(
      state,
      soakTick(state, { finished: { passed: true, summary: 'clean' } }),
      minutes(50),
    );
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'gate_closed' });
    expect((decision.state as RolloutState).soak?.status).toBe('running');
  });

  it('fails a soak blind: not passed, and the watch_blind gate holds every ramp', () => {
    const state = blindSoak();
    expect(state.soak?.status).toBe('blind');
    expect(state.gates[WATCH_BLIND_GATE]).toMatchObject({
      source: 'watch',
      watch: { kind: 'soak', id: state.soak?.soakId },
    });
    expect(state.cursor).toBe(1);
    expectRefused(decide(state, rampEvent(25), minutes(59)), 'critical_gate_open');
  });

  it('does not fail a soak blind before its end by this clock', () => {
    const state = soaking();
    const decision = decide(state, soakTick(state, { finished: BLIND }), minutes(50));
    expect(decision).toMatchObject({ outcome: 'noop', reason: 'soak_running' });
  });

  it('lets a permitted role accept a blind soak: the plan goes on, and nothing of the override lingers', () => {
    const decision = decide(blindSoak(), override(), minutes(60));
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'gate_overridden' });
    const next = decision.state as RolloutState;
    expect(next.soak?.status).toBe('passed');
    expect(next.cursor).toBe(2);
    expect(next.gates).toEqual({});
    expect(next.overrides).toEqual({});
    expect(decide(next, rampEvent(25), minutes(61))).toMatchObject({ outcome: 'applied' });
  });

  it('refuses the override of a blind soak to a role not permitted to override', () => {
    expectRefused(decide(blindSoak(), override(U_RM), minutes(60)), 'not_permitted');
  });

  it('closes the watch_blind gate with a rollback of the blind soak', () => {
    const decision = decide(blindSoak(), { type: 'rollback', actor: U_RM, reason: 'blind' }, minutes(60));
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'rollback_accepted' });
    expect((decision.state as RolloutState).gates).toEqual({});
  });

  it('refuses a ramp over a blind soak by its own gate, too, once the gate is gone another way', () => {
    const state = blindSoak();
    const { [WATCH_BLIND_GATE]: _gone, ...gates } = state.gates;
    expectRefused(decide({ ...state, gates }, rampEvent(25, ROOT_A), minutes(59)), 'watch_blind');
  });
});

describe('decideWatchTick: a blind smoke', () => {
  const smoking = (): RolloutState =>
    applyAll(null, [
      [startEvent(), T0],
      [checkDone('preflight'), minutes(0.5)],
      [checkDone('backup'), minutes(0.6)],
      [checkDone('rehearsal'), minutes(0.7)],
    ]);
  const blindSmoke = () => {
    const state = smoking();
    const tick: Tick = {
      type: 'watch_tick',
      watch: 'smoke',
      watchId: state.checks.smoke.runId ?? 'none',
      tripped: [],
      sourceDown: false,
      sourceErrors: 0,
      allRead: true,
      finished: { passed: false, summary: 'read 3 of 60 evaluations', blind: true },
    };
    const decision = decide(state, tick, minutes(46));
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'watch_blind' });
    return decision.state as RolloutState;
  };

  it('fails the smoke and opens the watch_blind gate', () => {
    const state = blindSmoke();
    expect(state.checks.smoke.status).toBe('failed');
    expect(state.gates[WATCH_BLIND_GATE]?.watch).toEqual({ kind: 'smoke', id: state.checks.smoke.runId });
  });

  it('passes the smoke on an override, which asks for the go/no-go', () => {
    const decision = decide(
      blindSmoke(),
      { type: 'override_gate', actor: U_GOV, gateId: WATCH_BLIND_GATE, reason: 'checked by hand' },
      minutes(47),
    );
    expect(decision).toMatchObject({
      outcome: 'applied',
      reason: 'gate_overridden',
      effects: [{ kind: 'post_card', card: 'go_no_go' }],
    });
    expect((decision.state as RolloutState).checks.smoke.status).toBe('passed');
  });

  it('closes the gate when the smoke runs again: the new run decides', () => {
    const decision = decide(blindSmoke(), { type: 'run_check', actor: U_RM, check: 'smoke' }, minutes(47));
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'check_started' });
    expect((decision.state as RolloutState).gates).toEqual({});
  });

  it('leaves the gate behind when a new rollout starts: it belonged to the old smoke', () => {
    const stopped = decide(blindSmoke(), { type: 'abort', actor: U_RM, reason: 'starting over' }, minutes(47))
      .state as RolloutState;
    const restarted = decide(stopped, { ...startEvent(), rolloutId: 'R2' } as RolloutEvent, minutes(48));
    expect((restarted.state as RolloutState).gates).toEqual({});
  });
});
