import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  approvals,
  checkDone,
  decideStep,
  expectRefused,
  minutes,
  ROOT_A,
  rampEvent,
  readyState,
  rollbackDone,
  soakDone,
  startEvent,
  T0,
  trafficDone,
  U_GOV,
  U_RM,
  U_SEC,
} from './fixtures.js';

const critical = (firing: boolean): RolloutEvent => ({
  type: 'alarm',
  alarm: 'determinism_variance',
  severity: 'CRITICAL',
  firing,
  summary: 'variance 0.11 > 0.08',
});

describe('decide: CRITICAL gates belong to the phase', () => {
  it('keeps an open gate when a rollout is aborted and a new one starts', () => {
    const gated = applyAll(readyState(), [[critical(true), minutes(40)]]);
    const aborted = applyAll(gated, [[{ type: 'abort', actor: U_RM, reason: 'new build' }, minutes(41)]]);
    const restarted = applyAll(aborted, [
      [{ ...startEvent(), rolloutId: 'R2' } as RolloutEvent, minutes(42)],
    ]);
    expect(Object.keys(restarted.gates)).toEqual(['determinism_variance']);
  });

  it('opens and closes gates on a rollout that is over, so the next one inherits the truth', () => {
    const aborted = applyAll(readyState(), [
      [{ type: 'abort', actor: U_RM, reason: 'new build' }, minutes(41)],
    ]);
    const opened = decide(aborted, critical(true), minutes(42));
    expect(opened).toMatchObject({
      outcome: 'applied',
      state: { status: 'stopped', gates: { determinism_variance: {} } },
    });
    const closed = decide(opened.state, critical(false), minutes(43));
    expect(closed.state?.gates).toEqual({});
  });

  it('keeps an overridden gate closed while its alarm keeps firing, and forgets the override when it resolves', () => {
    const overridden = applyAll(readyState(), [
      [critical(true), minutes(40)],
      [
        { type: 'override_gate', actor: U_GOV, gateId: 'determinism_variance', reason: 'known flake' },
        minutes(41),
      ],
    ]);
    const repeat = decide(overridden, critical(true), minutes(45));
    expect(repeat).toMatchObject({ outcome: 'recorded', state: overridden });
    expect(decide(overridden, rampEvent(5), minutes(46)).outcome).toBe('applied');
    const resolved = applyAll(overridden, [[critical(false), minutes(50)]]);
    expect(resolved.overrides).toEqual({});
    expect(decide(resolved, critical(true), minutes(55)).reason).toBe('gate_opened');
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'treats a gate id like %s as an ordinary name',
    (gateId) => {
      const state = readyState();
      expectRefused(
        decide(state, { type: 'override_gate', actor: U_GOV, gateId, reason: 'x' }, minutes(40)),
        'gate_not_open',
      );
      const opened = decide(state, { ...critical(true), alarm: gateId } as RolloutEvent, minutes(40));
      expect(opened.reason).toBe('gate_opened');
    },
  );
});

describe('decide: a phase that is complete', () => {
  it('refuses to start again, because traffic is at 100%', () => {
    let state = readyState();
    let at = 40;
    for (const weightPct of [5, 25, 60, 100]) {
      state = applyAll(state, [
        [rampEvent(weightPct), minutes(at)],
        [trafficDone(weightPct), minutes(at)],
        [soakDone(), minutes(at + 15)],
      ]);
      at += 16;
    }
    expect(state.status).toBe('complete');
    expectRefused(
      decide(state, { ...startEvent(), rolloutId: 'R2' } as RolloutEvent, minutes(at)),
      'phase_complete',
    );
  });
});

describe('decide: job reports carry their attempt id', () => {
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

  it('ignores a check result from an earlier run of that check', () => {
    const started = decide(null, startEvent(), T0).state as RolloutState;
    const failed = applyAll(started, [[checkDone('preflight', false, 'bad checksum'), minutes(1)]]);
    const earlierRunId = started.checks.preflight.runId as string;
    const rerun = applyAll(failed, [[{ type: 'run_check', actor: U_RM, check: 'preflight' }, minutes(2)]]);
    const late = decide(
      rerun,
      { type: 'check_finished', check: 'preflight', runId: earlierRunId, passed: true, summary: 'ok' },
      minutes(3),
    );
    expect(late).toMatchObject({ outcome: 'noop', reason: 'duplicate' });
  });

  it('does not let the smoke pass before it has run its full duration', () => {
    const smoking = applyAll(decide(null, startEvent(), T0).state, [
      [checkDone('preflight'), minutes(1)],
      [checkDone('backup'), minutes(1)],
      [checkDone('rehearsal'), minutes(1)],
    ]);
    expect(decideStep(smoking, checkDone('smoke'), minutes(2))).toMatchObject({
      outcome: 'noop',
      reason: 'smoke_running',
    });
    expect(decideStep(smoking, checkDone('smoke'), minutes(31)).outcome).toBe('applied');
    expect(decideStep(smoking, checkDone('smoke', false, 'latency alarm'), minutes(2)).outcome).toBe(
      'applied',
    );
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

  it('treats the same rejection delivered twice as a duplicate', () => {
    const event: RolloutEvent = {
      type: 'reject',
      actor: U_SEC,
      roleId: 'security_officer',
      reason: 'CVE open',
    };
    const once = applyAll(readyState(), [[event, minutes(40)]]);
    expect(decide(once, event, minutes(40))).toMatchObject({ outcome: 'noop', reason: 'duplicate' });
  });
});
