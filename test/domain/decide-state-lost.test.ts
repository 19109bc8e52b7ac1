import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  BLOCKER_ALARM,
  completeState,
  expectRefused,
  liveAt25,
  minutes,
  POLICY,
  rampEvent,
  readyState,
  resolveStep,
  rollbackDone,
  startEvent,
  U_GOV,
  U_RM,
} from './fixtures.js';

const observed = (servingPct: number): RolloutEvent => ({
  type: 'traffic_observed',
  servingPct,
  registry: 'meta/meta_flags.json',
  rolloutId: 'r-recovered',
  policy: POLICY,
});

const at = minutes(90);

/** The state a decision left, which must be there. */
function decided(state: RolloutState | null, event: RolloutEvent): RolloutState {
  const decision = decide(state, event, at);
  if (!decision.state) throw new Error(`no state after ${event.type}: ${decision.message}`);
  return decision.state;
}

describe('the weight the registry serves, held up against the record', () => {
  it.each([
    ['no rollout, registry at shadow', null, 0],
    ['a rollout live at 25%, registry at 25%', liveAt25(), 25],
    ['a ramp to 5% under way, registry already at 5%', decided(readyState(), rampEvent(5)), 5],
    ['a ramp to 5% under way, registry still at shadow', decided(readyState(), rampEvent(5)), 0],
    ['a rollback under way from 25%, registry half restored', decided(liveAt25(), BLOCKER_ALARM), 5],
    ['a completed phase: the registry guard answers for its root', completeState(), 60],
  ])('%s: agrees, so nothing is recorded', (_name, state, servingPct) => {
    expect(decide(state, observed(servingPct), at).outcome).toBe('noop');
  });

  it('with no record and traffic at 5%, opens a recovered rollout at 5% behind the state_lost gate', () => {
    const decision = decide(null, observed(5), at);
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'state_lost' });
    expect(decision.state).toMatchObject({
      rolloutId: 'r-recovered',
      status: 'active',
      trafficPct: 5,
      checks: { preflight: { status: 'pending' }, smoke: { status: 'pending' } },
    });
    expect(decision.state?.gates.state_lost?.summary).toBe(
      'Redis holds no rollout of this phase, yet the registry (meta/meta_flags.json) serves 5%',
    );
    expect(decision.detail).toMatchObject({ servingPct: 5, recordedPct: null });
  });

  it('with a record behind the registry (an old snapshot), takes the registry weight and opens the gate', () => {
    const decision = decide(liveAt25(), observed(60), at);
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'state_lost' });
    expect(decision.state?.trafficPct).toBe(60);
    expect(decision.state?.rolloutId).toBe(liveAt25().rolloutId);
    expect(decision.detail).toMatchObject({ servingPct: 60, recordedPct: 25 });
  });

  it('a stopped rollout with traffic served again opens a recovered rollout, keeping the phase gates', () => {
    const stopped: RolloutState = {
      ...readyState(),
      status: 'stopped',
      gates: { g: { id: 'g', source: 'alarm', openedAt: 'x', summary: 's' } },
    };
    const next = decided(stopped, observed(25));
    expect(next).toMatchObject({ rolloutId: 'r-recovered', status: 'active', trafficPct: 25 });
    expect(Object.keys(next.gates).sort()).toEqual(['g', 'state_lost']);
  });

  it('is recorded once per loss: the same weight seen again is a duplicate', () => {
    const lost = decided(null, observed(5));
    expect(decide(lost, observed(5), at).outcome).toBe('noop');
  });

  it('a BLOCKER on the recovered rollout rolls back from the weight really served', () => {
    const decision = decide(decided(null, observed(5)), BLOCKER_ALARM, at);
    expect(decision).toMatchObject({ outcome: 'applied', reason: 'rollback_accepted' });
    expect(decision.effects).toContainEqual(expect.objectContaining({ kind: 'roll_back', fromPct: 5 }));
  });

  it('refuses ramps and a new start until a permitted role overrides the gate; then start works', () => {
    const lost = decided(null, observed(5));
    expectRefused(decide(lost, rampEvent(25), at), 'critical_gate_open');
    expectRefused(decide(lost, startEvent(), at), 'critical_gate_open');
    expect(decide(lost, startEvent(), at).message).toContain('state_lost');
    const rolling = decided(lost, BLOCKER_ALARM);
    const back = decided(rolling, resolveStep(rolling, rollbackDone()));
    const ended = decided(back, { type: 'abort', actor: U_RM, reason: 'record lost' });
    expectRefused(decide(ended, startEvent(), at), 'critical_gate_open');
    const overridden = decided(ended, {
      type: 'override_gate',
      actor: U_GOV,
      gateId: 'state_lost',
      reason: 'checked the registry by hand',
    });
    expect(decide(overridden, startEvent(), at)).toMatchObject({
      outcome: 'applied',
      reason: 'rollout_started',
    });
  });

  it('a loss after an override is decided afresh: the gate opens again', () => {
    const lost = decided(liveAt25(), observed(60));
    const overridden = decided(lost, {
      type: 'override_gate',
      actor: U_GOV,
      gateId: 'state_lost',
      reason: 'ok',
    });
    const again = decided(overridden, observed(100));
    expect(again.gates.state_lost).toBeDefined();
    expect(again.overrides.state_lost).toBeUndefined();
  });
});
