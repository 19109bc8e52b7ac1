import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import { type RolloutState, soakWeightPct } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  approvals,
  decideStep,
  expectRefused,
  minutes,
  POLICY,
  ROOT_A,
  rampEvent,
  readyState,
  rollbackDone,
  soakDone,
  trafficDone,
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

describe('ramping through the plan', () => {
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
    const applied = decideStep(accepted, trafficDone(5), minutes(41));
    const moved = applied.state as RolloutState;
    expect(moved.soak).toMatchObject({ status: 'running', endsAt: minutes(56).toISOString() });
    expect(applied.message).toBe('Traffic at 5%; soak ends 13:56:00 UTC, 15 min 0 s left.');
    expect(moved.soak && soakWeightPct(moved.policy, moved.soak)).toBe(5);
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

  it('ignores a traffic report from a ramp that a rollback cancelled, when the same weight is asked for again', () => {
    const first = applyAll(readyState(), [[rampEvent(5), minutes(40)]]);
    const staleReport: RolloutEvent = {
      type: 'traffic_applied',
      weightPct: 5,
      rampId: first.pendingRamp?.rampId ?? '',
    };
    const retried = applyAll(first, [
      [{ type: 'rollback', actor: U_RM, reason: 'wrong' }, minutes(41)],
      [rollbackDone(), minutes(42)],
      ...approvals(ROOT_A, minutes(43)),
      [rampEvent(5), minutes(44)],
    ]);
    expect(retried.pendingRamp?.rampId).not.toBe(
      staleReport.type === 'traffic_applied' && staleReport.rampId,
    );
    expect(decide(retried, staleReport, minutes(45))).toMatchObject({ outcome: 'noop', reason: 'duplicate' });
  });

  it('does not end a soak early when a worker clock is behind, and says when it ends', () => {
    const soaking = applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]);
    expect(decideStep(soaking, soakDone(), minutes(54.9))).toMatchObject({
      outcome: 'noop',
      reason: 'soak_running',
    });
  });
});

describe('pause, resume and abort', () => {
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

  it('refuses to resume a rollout that is not paused, and takes a second pause as a duplicate', () => {
    expectRefused(decide(readyState(), { type: 'resume', actor: U_RM }, minutes(40)), 'not_paused');
    const paused = applyAll(readyState(), [[{ type: 'pause', actor: U_SRE }, minutes(40)]]);
    expect(decide(paused, { type: 'pause', actor: U_RM }, minutes(41))).toMatchObject({
      outcome: 'noop',
      reason: 'duplicate',
    });
  });

  it('refuses an abort without a reason', () => {
    expectRefused(
      decide(readyState(), { type: 'abort', actor: U_RM, reason: '  ' }, minutes(40)),
      'reason_required',
    );
  });
});
