import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import { handEditOverridden, REGISTRY_GATE } from '../../src/domain/registry-gate.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  completeState,
  expectRefused,
  minutes,
  rampEvent,
  readyState,
  resolveStep,
  trafficDone,
  U_GOV,
} from './fixtures.js';

const RECORDED = 'c'.repeat(64);
const EDIT_A = 'e'.repeat(64);
const EDIT_B = 'f'.repeat(64);

const edited = (fileRoot: string): RolloutEvent => ({
  type: 'registry_edited',
  fileRoot,
  recordedRoot: RECORDED,
});
const override: RolloutEvent = {
  type: 'override_gate',
  actor: U_GOV,
  gateId: REGISTRY_GATE,
  reason: 'flag flipped by the on-call, ticket 7',
};

/** A ramp to 5% accepted at T0+40m, its traffic not moved yet. */
const pendingRamp = (): RolloutState => applyAll(readyState(), [[rampEvent(5), minutes(40)]]);

describe('the registry gate', () => {
  it('cancels the pending ramp in the step that opens the gate, so a later ramp is not held by it', () => {
    const cancelled = decide(pendingRamp(), edited(EDIT_A), minutes(41));
    expect(cancelled).toMatchObject({
      outcome: 'applied',
      reason: 'ramp_cancelled',
      detail: { gateId: REGISTRY_GATE, fileRoot: EDIT_A, cancelledRamp: { weightPct: 5 } },
    });
    expect(cancelled.message).toContain('Ramp to 5% cancelled, traffic stays at 0%');
    expect(cancelled.message).toContain('Override the gate');
    expect(cancelled.state?.pendingRamp).toBeUndefined();
    expect(cancelled.state?.gates[REGISTRY_GATE]).toMatchObject({ source: 'registry', registryRoot: EDIT_A });
    const held = decide(cancelled.state, rampEvent(5), minutes(42));
    expectRefused(held, 'critical_gate_open');
    const overridden = applyAll(cancelled.state, [[override, minutes(43)]]);
    expect(decide(overridden, rampEvent(5), minutes(44))).toMatchObject({
      outcome: 'applied',
      reason: 'ramp_accepted',
    });
  });

  it('opens with no ramp pending and says what to do; the same edit again changes nothing', () => {
    const opened = decide(readyState(), edited(EDIT_A), minutes(41));
    expect(opened).toMatchObject({ outcome: 'applied', reason: 'gate_opened' });
    expect(opened.message).toContain(`CRITICAL gate ${REGISTRY_GATE} opened`);
    expect(decide(opened.state, edited(EDIT_A), minutes(42)).outcome).toBe('noop');
    expect(decide(opened.state, edited(EDIT_B), minutes(42)).outcome).toBe('noop');
  });

  it('holds an override for the edit it was given for, and opens again on a different edit', () => {
    const overridden = applyAll(readyState(), [
      [edited(EDIT_A), minutes(41)],
      [override, minutes(42)],
    ]);
    expect(overridden.overrides[REGISTRY_GATE]).toMatchObject({ by: U_GOV, registryRoot: EDIT_A });
    expect(handEditOverridden(overridden, EDIT_A)).toBe(true);
    expect(decide(overridden, edited(EDIT_A), minutes(43)).outcome).toBe('noop');
    expect(handEditOverridden(overridden, EDIT_B)).toBe(false);
    const reopened = decide(overridden, edited(EDIT_B), minutes(43));
    expect(reopened).toMatchObject({
      outcome: 'applied',
      reason: 'gate_opened',
      detail: { fileRoot: EDIT_B, overrideEnded: { by: U_GOV, registryRoot: EDIT_A } },
    });
    expect(reopened.state?.overrides[REGISTRY_GATE]).toBeUndefined();
    expectRefused(decide(reopened.state, rampEvent(5), minutes(44)), 'critical_gate_open');
  });

  it('opens again over an override that names no edit, as one recorded before overrides did', () => {
    const state = readyState();
    state.overrides[REGISTRY_GATE] = { by: U_GOV, at: minutes(30).toISOString(), reason: 'old' };
    expect(decide(state, edited(EDIT_A), minutes(41))).toMatchObject({
      outcome: 'applied',
      reason: 'gate_opened',
    });
  });

  it('closes, override and all, once the file is the bot’s again', () => {
    const overridden = applyAll(readyState(), [
      [edited(EDIT_A), minutes(41)],
      [override, minutes(42)],
    ]);
    const closed = decide(
      overridden,
      { type: 'gate_resolved', gateId: REGISTRY_GATE, summary: 'the registry is the bot’s again' },
      minutes(43),
    );
    expect(closed).toMatchObject({ outcome: 'applied', reason: 'gate_closed' });
    expect(closed.state?.overrides).toEqual({});
  });

  it('refuses to certify while the gate is open, and certifies once it is overridden', () => {
    const certify: RolloutEvent = {
      type: 'certify',
      rolloutId: 'R1',
      artifactRoot: 'a'.repeat(64),
      registryRoot: EDIT_A,
    };
    const open = applyAll(completeState(), [[edited(EDIT_A), minutes(200)]]);
    const refusal = decide(open, certify, minutes(201));
    expectRefused(refusal, 'critical_gate_open');
    expect(refusal.message).toContain(REGISTRY_GATE);
    const overridden = applyAll(open, [[override, minutes(202)]]);
    expect(decide(overridden, certify, minutes(203))).toMatchObject({
      outcome: 'applied',
      reason: 'phase_certified',
    });
  });

  it('lets the traffic report of a ramp it cancelled change nothing', () => {
    const state = pendingRamp();
    const cancelled = applyAll(state, [[edited(EDIT_A), minutes(41)]]);
    expect(decide(cancelled, resolveStep(state, trafficDone(5)), minutes(42)).outcome).toBe('noop');
  });
});
