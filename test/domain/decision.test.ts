import { describe, expect, it } from 'vitest';
import { applied, draft, noop, recorded, refused } from '../../src/domain/decision.js';
import { readyState } from './fixtures.js';

describe('the decision builders', () => {
  it('build each outcome with its state, reason and message, and effects only for an applied one', () => {
    const state = readyState();
    const effects = [{ kind: 'certify' as const }];
    expect(applied(state, 'phase_certified', 'done', effects)).toEqual({
      outcome: 'applied',
      state,
      effects,
      reason: 'phase_certified',
      message: 'done',
    });
    expect(recorded(null, 'alarm_recorded', 'noted')).toEqual({
      outcome: 'recorded',
      state: null,
      effects: [],
      reason: 'alarm_recorded',
      message: 'noted',
    });
    expect(refused(state, 'not_permitted', 'no')).toMatchObject({ outcome: 'refused', effects: [] });
    expect(noop(state, 'duplicate', 'again')).toMatchObject({ outcome: 'noop', effects: [] });
  });

  it('carry facts for the ledger only when there are some', () => {
    expect(applied(readyState(), 'paused', 'x', [], { by: 'U_SRE' }).detail).toEqual({ by: 'U_SRE' });
    expect('detail' in applied(readyState(), 'paused', 'x')).toBe(false);
    expect(recorded(null, 'alarm_recorded', 'x', null).detail).toBeNull();
    expect('detail' in recorded(null, 'alarm_recorded', 'x')).toBe(false);
  });
});

describe('draft', () => {
  it('gives a deep copy, so changing it leaves the caller state as it was', () => {
    const state = readyState();
    const copy = draft(state);
    copy.trafficPct = 60;
    copy.approvals = {};
    copy.checks.smoke.status = 'failed';
    expect(state).toEqual(readyState());
  });
});
