import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import { type RolloutState, stageOf } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  approvals,
  checkDone,
  decideStep,
  expectRefused,
  minutes,
  POLICY,
  ROOT_A,
  rampEvent,
  readyState,
  resolveStep,
  rollbackDone,
  type Step,
  smokedState,
  soakDone,
  startEvent,
  T0,
  trafficDone,
  U_GOV,
  U_RM,
  U_SRE,
} from './fixtures.js';

/** Ramps to `weightPct`, has the controller confirm it, and lets its soak pass. */
function stepThrough(state: RolloutState, weightPct: number, rampAt: Date): RolloutState {
  const applied = applyAll(state, [
    [rampEvent(weightPct), rampAt],
    [trafficDone(weightPct), rampAt],
  ]);
  const soak = applied.soak;
  if (!soak) return applied;
  return applyAll(applied, [[soakDone(false, 'clean'), new Date(soak.endsAt)]]);
}

describe('decide: the lifecycle of one phase', () => {
  it('runs pre-flight, backup, rehearsal and smoke in order, each starting when the one before passes', () => {
    const started = decide(null, startEvent(), T0);
    expect(started).toMatchObject({
      outcome: 'applied',
      reason: 'rollout_started',
      effects: [{ kind: 'run_check', check: 'preflight' }],
    });
    let state = started.state as RolloutState;
    for (const [check, following] of [
      ['preflight', 'backup'],
      ['backup', 'rehearsal'],
      ['rehearsal', 'smoke'],
    ] as const) {
      expect(stageOf(state)).toBe(check);
      const decision = decideStep(state, checkDone(check, true, 'ok'), minutes(1));
      const runId = (decision.state as RolloutState).checks[following].runId;
      expect(decision.effects).toEqual([{ kind: 'run_check', check: following, runId }]);
      state = decision.state as RolloutState;
    }
    expect(state.checks.smoke).toMatchObject({ status: 'running', endsAt: minutes(31).toISOString() });
    const smoked = decideStep(state, checkDone('smoke', true, 'ok'), minutes(31));
    expect(smoked.effects).toEqual([{ kind: 'post_card', card: 'go_no_go' }]);
    expect(stageOf(smoked.state as RolloutState)).toBe('go_no_go');
  });

  it('keeps traffic at shadow until the first ramp', () => {
    expect(readyState().trafficPct).toBe(0);
    expect(stageOf(readyState())).toBe('ready');
  });

  it('stays in pre-flight when a check fails, and a re-run starts it again', () => {
    const started = decide(null, startEvent(), T0).state as RolloutState;
    const failed = decideStep(started, checkDone('preflight', false, 'checksum mismatch'), minutes(1));
    expect(failed).toMatchObject({ outcome: 'applied', reason: 'check_failed', effects: [] });
    expect(stageOf(failed.state as RolloutState)).toBe('preflight');
    const rerun = decide(failed.state, { type: 'run_check', actor: U_RM, check: 'preflight' }, minutes(2));
    expect(rerun).toMatchObject({ outcome: 'applied', effects: [{ kind: 'run_check', check: 'preflight' }] });
  });

  it('records a joint go only when both roles say go, and asks for approvals then', () => {
    const half = decide(
      smokedState(),
      { type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true },
      minutes(32),
    );
    expect(half).toMatchObject({ outcome: 'applied', effects: [] });
    expect(stageOf(half.state as RolloutState)).toBe('go_no_go');
    const joint = decide(
      half.state,
      { type: 'go_no_go', actor: U_SRE, roleId: 'sre_oncall', go: true },
      minutes(32),
    );
    expect(joint).toMatchObject({ outcome: 'applied', effects: [{ kind: 'post_card', card: 'approvals' }] });
  });

  it('stops the rollout on a no-go', () => {
    const decision = decide(
      smokedState(),
      { type: 'go_no_go', actor: U_SRE, roleId: 'sre_oncall', go: false, reason: 'p99 looks odd' },
      minutes(32),
    );
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'no_go_recorded' });
    expect(decision.state).toMatchObject({
      status: 'stopped',
      ended: { reason: 'no-go by SRE On-Call: p99 looks odd' },
    });
    expectRefused(decide(decision.state, rampEvent(5), minutes(33)), 'rollout_not_active');
  });

  it('ramps 5 -> 25 -> 60 -> 100 with a soak at each step, then completes and certifies', () => {
    let state = readyState();
    let at = minutes(40);
    for (const weightPct of [5, 25, 60]) {
      state = stepThrough(state, weightPct, at);
      expect(state.trafficPct).toBe(weightPct);
      expect(state.soak?.status).toBe('passed');
      at = new Date(at.getTime() + 16 * 60_000);
    }
    const accepted = decide(state, rampEvent(100), at);
    expect(accepted).toMatchObject({
      reason: 'ramp_accepted',
      effects: [{ kind: 'set_traffic', weightPct: 100 }],
    });
    const moved = decideStep(accepted.state, trafficDone(100), at);
    const soak = (moved.state as RolloutState).soak;
    expect(moved.effects).toEqual([{ kind: 'end_soak_at', soakId: soak?.soakId, endsAt: soak?.endsAt }]);
    expect(soak?.stepIndex).toBe(7);
    const done = decideStep(moved.state, soakDone(false, 'clean'), new Date(soak?.endsAt ?? 0));
    expect(done).toMatchObject({
      outcome: 'applied',
      reason: 'rollout_complete',
      effects: [{ kind: 'certify' }],
    });
    expect(done.state).toMatchObject({ status: 'complete', trafficPct: 100 });
  });

  it('starts each soak when the traffic controller confirms the weight, not when the ramp is asked for', () => {
    const accepted = decide(readyState(), rampEvent(5), minutes(40)).state as RolloutState;
    expect(accepted).toMatchObject({ trafficPct: 0, pendingRamp: { weightPct: 5 } });
    expect(accepted.soak).toBeUndefined();
    const moved = decideStep(accepted, trafficDone(5), minutes(41)).state as RolloutState;
    expect(moved.soak).toMatchObject({ weightPct: 5, status: 'running', endsAt: minutes(56).toISOString() });
  });

  it('ramps on by itself after each clean soak when the plan says autoAdvance', () => {
    const soaking = applyAll(readyState({ ...POLICY, autoAdvance: true }), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]);
    const soaked = decideStep(soaking, soakDone(false, 'clean'), minutes(55));
    expect(soaked.effects).toEqual([{ kind: 'request_ramp', weightPct: 25 }]);
  });

  it('waits for a person after each soak when autoAdvance is off', () => {
    const soaking = applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]);
    const soaked = decideStep(soaking, soakDone(false, 'clean'), minutes(55));
    expect(soaked).toMatchObject({ outcome: 'applied', reason: 'soak_passed', effects: [] });
  });

  it('holds the plan after a breached soak until a rollback', () => {
    const soaking = applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]);
    const breached = decideStep(soaking, soakDone(true, 'error rate 4%'), minutes(55));
    expect(breached.reason).toBe('soak_breached_recorded');
    expectRefused(decide(breached.state, rampEvent(25), minutes(56)), 'soak_breached');
  });
});

describe('decide: pause, resume and abort', () => {
  it('refuses ramps while paused and allows them again after resume', () => {
    const paused = applyAll(readyState(), [
      [{ type: 'pause', actor: U_SRE, reason: 'investigating' }, minutes(40)],
    ]);
    expectRefused(decide(paused, rampEvent(5), minutes(41)), 'rollout_paused');
    const resumed = applyAll(paused, [[{ type: 'resume', actor: U_RM }, minutes(42)]]);
    expect(decide(resumed, rampEvent(5), minutes(43)).outcome).toBe('applied');
  });

  it('does not auto-advance while paused, and advances on resume', () => {
    const policy = { ...POLICY, autoAdvance: true };
    const soaking = applyAll(readyState(policy), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
      [{ type: 'pause', actor: U_SRE }, minutes(41)],
    ]);
    const soaked = decideStep(soaking, soakDone(false, 'clean'), minutes(55));
    expect(soaked.effects).toEqual([]);
    const resumed = decide(soaked.state, { type: 'resume', actor: U_SRE }, minutes(56));
    expect(resumed.effects).toEqual([{ kind: 'request_ramp', weightPct: 25 }]);
  });

  it('aborts a rollout at shadow, and refuses to abort once traffic has moved', () => {
    const aborted = decide(readyState(), { type: 'abort', actor: U_RM, reason: 'wrong build' }, minutes(40));
    expect(aborted.state).toMatchObject({ status: 'stopped', ended: { reason: 'aborted: wrong build' } });
    const live = applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]);
    expectRefused(
      decide(live, { type: 'abort', actor: U_RM, reason: 'wrong build' }, minutes(41)),
      'abort_needs_rollback',
    );
  });

  it('lets a new rollout start once the last one stopped', () => {
    const aborted = decide(
      readyState(),
      { type: 'abort', actor: U_RM, reason: 'wrong build' },
      minutes(40),
    ).state;
    const restarted = decide(aborted, { ...startEvent(), rolloutId: 'R2' } as RolloutEvent, minutes(41));
    expect(restarted).toMatchObject({ outcome: 'applied', state: { rolloutId: 'R2', trafficPct: 0 } });
    expectRefused(decide(restarted.state, startEvent(), minutes(42)), 'rollout_active');
  });
});

describe('decide: CRITICAL gates', () => {
  const critical = (firing: boolean): RolloutEvent => ({
    type: 'alarm',
    alarm: 'determinism_variance',
    severity: 'CRITICAL',
    firing,
    summary: 'variance 0.11 > 0.08 over 10m',
  });

  it('opens a gate that refuses ramps, and closes it when the alarm resolves', () => {
    const open = applyAll(readyState(), [[critical(true), minutes(40)]]);
    const held = decide(open, rampEvent(5), minutes(41));
    expectRefused(held, 'critical_gate_open');
    expect(held.message).toContain('determinism_variance');
    const closed = applyAll(open, [[critical(false), minutes(42)]]);
    expect(decide(closed, rampEvent(5), minutes(43)).outcome).toBe('applied');
  });

  it('closes a gate on an override by a permitted role with a reason, and refuses one without', () => {
    const open = applyAll(readyState(), [[critical(true), minutes(40)]]);
    expectRefused(
      decide(
        open,
        { type: 'override_gate', actor: U_GOV, gateId: 'determinism_variance', reason: '  ' },
        minutes(41),
      ),
      'reason_required',
    );
    expectRefused(
      decide(
        open,
        { type: 'override_gate', actor: U_RM, gateId: 'determinism_variance', reason: 'known flake' },
        minutes(41),
      ),
      'not_permitted',
    );
    const overridden = decide(
      open,
      {
        type: 'override_gate',
        actor: U_GOV,
        gateId: 'determinism_variance',
        reason: 'known flake, ticket 42',
      },
      minutes(41),
    );
    expect(overridden).toMatchObject({
      outcome: 'applied',
      reason: 'gate_overridden',
      detail: { reason: 'known flake, ticket 42' },
    });
    expect(decide(overridden.state, rampEvent(5), minutes(42)).outcome).toBe('applied');
  });

  it('treats a repeated firing alarm as a duplicate', () => {
    const open = applyAll(readyState(), [[critical(true), minutes(40)]]);
    expect(decide(open, critical(true), minutes(41)).outcome).toBe('noop');
  });

  it('opens a gate for a hand-edited registry like any other CRITICAL', () => {
    const open = applyAll(readyState(), [
      [
        {
          type: 'gate_opened',
          gateId: 'registry_tampered',
          source: 'registry',
          summary: 'root 1a2b… is not the one recorded',
        },
        minutes(40),
      ],
    ]);
    expectRefused(decide(open, rampEvent(5), minutes(41)), 'critical_gate_open');
  });

  it('records a WARNING without changing anything', () => {
    const state = readyState();
    const decision = decide(
      state,
      {
        type: 'alarm',
        alarm: 'feature_drift',
        severity: 'WARNING',
        firing: true,
        summary: 'drift detector tripped',
      },
      minutes(40),
    );
    expect(decision).toMatchObject({ outcome: 'recorded', reason: 'alarm_recorded', state });
  });
});

describe('decide: BLOCKER rollback, the lock, and the retry', () => {
  const blocker: RolloutEvent = {
    type: 'alarm',
    alarm: 'latency_slo_drop',
    severity: 'BLOCKER',
    firing: true,
    summary: 'attainment dropped 4.2% > 3% over 5m',
  };
  const live = () =>
    applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
      [soakDone(false, 'clean'), minutes(55)],
      [rampEvent(25), minutes(56)],
      [trafficDone(25), minutes(56)],
    ]);

  it('rolls back from the current weight, skipping the soak', () => {
    const decision = decide(live(), blocker, minutes(60));
    expect(decision).toMatchObject({
      outcome: 'applied',
      reason: 'rollback_accepted',
      effects: [{ kind: 'roll_back', fromPct: 25 }],
    });
    expect((decision.state as RolloutState).soak).toBeUndefined();
  });

  it('rolls back exactly once when alarms, a person and a retry all ask at the same moment', () => {
    const first = decide(live(), blocker, minutes(60));
    const rollbackId = first.state?.rollback?.rollbackId;
    const others: RolloutEvent[] = [blocker, { ...blocker, alarm: 'error_budget' } as RolloutEvent];
    for (const event of others) {
      // Further alarms change nothing, and ask for the same rollback again (same id) in case its job was lost.
      const repeat = decide(first.state, event, minutes(60));
      expect(repeat).toMatchObject({ outcome: 'recorded', state: first.state });
      expect(repeat.effects).toEqual([
        { kind: 'roll_back', fromPct: 25, reason: expect.any(String), rollbackId },
      ]);
    }
    // A person asking again is recorded, and the same rollback (same id) is asked for again.
    const again = decide(first.state, { type: 'rollback', actor: U_SRE, reason: 'paged' }, minutes(60));
    expect(again).toMatchObject({ outcome: 'recorded', state: first.state });
    expect(again.effects).toEqual([
      { kind: 'roll_back', fromPct: 25, reason: expect.any(String), rollbackId },
    ]);
  });

  it('ignores a rollback report for another rollback id', () => {
    const rolling = decide(live(), blocker, minutes(60)).state as RolloutState;
    const stale = decide(
      rolling,
      { type: 'rollback_finished', rollbackId: 'R1.999', summary: 'old' },
      minutes(61),
    );
    expect(stale).toMatchObject({ outcome: 'noop', state: rolling });
  });

  it('returns to shadow, voids the approvals and locks ramps when the rollback finishes', () => {
    const rolling = decide(live(), blocker, minutes(60)).state;
    const finished = decideStep(rolling, rollbackDone('registry restored'), minutes(61));
    expect(finished.state).toMatchObject({ trafficPct: 0, cursor: 0, approvals: {} });
    expect(stageOf(finished.state as RolloutState)).toBe('locked');
    expectRefused(decide(finished.state, rampEvent(5), minutes(62)), 'rollback_lock');
    expect(decideStep(finished.state, rollbackDone('again'), minutes(62)).outcome).toBe('noop');
  });

  it('lifts the lock once every role approves again, and the plan restarts at its first step', () => {
    const locked = applyAll(live(), [
      [blocker, minutes(60)],
      [rollbackDone('registry restored'), minutes(61)],
    ]);
    const renewed = applyAll(locked, approvals(ROOT_A, minutes(90)));
    expect(renewed.lock).toBeUndefined();
    expectRefused(decide(renewed, rampEvent(25), minutes(91)), 'not_next_step');
    expect(decide(renewed, rampEvent(5), minutes(91)).outcome).toBe('applied');
  });

  it('locks ramps when a BLOCKER fires while traffic is at shadow, until every role approves again', () => {
    const decision = decide(readyState(), blocker, minutes(40));
    expect(decision).toMatchObject({
      outcome: 'applied',
      reason: 'locked_by_blocker',
      effects: [],
      state: { approvals: {} },
    });
    expectRefused(decide(decision.state, rampEvent(5), minutes(41)), 'rollback_lock');
    expect(decide(decision.state, blocker, minutes(42)).outcome).toBe('recorded');
    const renewed = applyAll(decision.state, approvals(ROOT_A, minutes(50)));
    expect(decide(renewed, rampEvent(5), minutes(51)).outcome).toBe('applied');
  });

  it('refuses a rollback from someone without the permission', () => {
    expectRefused(
      decide(live(), { type: 'rollback', actor: U_GOV, reason: 'curious' }, minutes(60)),
      'not_permitted',
    );
  });
});

describe('decide: re-running an input changes nothing', () => {
  const reports: Array<[string, () => readonly [RolloutState, Step, Date]]> = [
    [
      'a check result',
      () => [
        decide(null, startEvent(), T0).state as RolloutState,
        checkDone('preflight', true, 'ok'),
        minutes(1),
      ],
    ],
    [
      'an approval',
      () => [
        smokedState(),
        { type: 'approve', actor: U_GOV, roleId: 'governance_lead', artifactRoot: ROOT_A },
        minutes(33),
      ],
    ],
    [
      'a traffic confirmation',
      () => [applyAll(readyState(), [[rampEvent(5), minutes(40)]]), trafficDone(5), minutes(40)],
    ],
    [
      'a go',
      () => [
        smokedState(),
        { type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true },
        minutes(32),
      ],
    ],
  ];

  it.each(reports)('treats %s delivered twice as a duplicate', (_what, make) => {
    const [state, step, now] = make();
    // The same report, delivered twice.
    const event = resolveStep(state, step);
    const once = decide(state, event, now);
    expect(once.outcome).toBe('applied');
    const twice = decide(once.state, event, now);
    expect(twice).toMatchObject({ outcome: 'noop', state: once.state, effects: [] });
  });

  it('gives the same decision for the same input, and leaves the input untouched', () => {
    const state = readyState();
    const frozen = structuredClone(state);
    expect(decide(state, rampEvent(5), minutes(40))).toEqual(decide(state, rampEvent(5), minutes(40)));
    expect(state).toEqual(frozen);
  });
});

describe('reason codes', () => {
  it('are all stable snake_case identifiers, each listed once', async () => {
    const { REASONS } = await import('../../src/domain/reason.js');
    for (const reason of REASONS) expect(reason).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(new Set(REASONS).size).toBe(REASONS.length);
  });
});
