import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  approvals,
  BLOCKER_ALARM,
  expectRefused,
  liveAt25,
  minutes,
  ROOT_A,
  rampEvent,
  readyState,
  startEvent,
  U_GOV,
  U_RM,
} from './fixtures.js';

const critical = (firing: boolean): RolloutEvent => ({
  type: 'alarm',
  alarm: 'determinism_variance',
  severity: 'CRITICAL',
  firing,
  summary: 'variance 0.11 > 0.08 over 10m',
});

describe('CRITICAL gates', () => {
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

describe('CRITICAL gates belong to the phase', () => {
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

describe('a BLOCKER alarm', () => {
  const blocker = BLOCKER_ALARM;
  const live = liveAt25;

  it('rolls back from the current weight, skipping the soak', () => {
    const decision = decide(live(), blocker, minutes(60));
    expect(decision).toMatchObject({
      outcome: 'applied',
      reason: 'rollback_accepted',
      effects: [{ kind: 'roll_back', fromPct: 25 }],
    });
    expect((decision.state as RolloutState).soak).toBeUndefined();
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

  it('records a BLOCKER on a rollout that is over, without acting on it', () => {
    const aborted = applyAll(readyState(), [
      [{ type: 'abort', actor: U_RM, reason: 'new build' }, minutes(41)],
    ]);
    expect(decide(aborted, blocker, minutes(42))).toMatchObject({
      outcome: 'recorded',
      reason: 'alarm_recorded',
      effects: [],
      state: aborted,
    });
  });
});
