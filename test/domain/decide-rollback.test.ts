import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import { type RolloutState, stageOf } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  BLOCKER_ALARM,
  decideStep,
  expectRefused,
  liveAt25,
  minutes,
  rampEvent,
  readyState,
  rollbackDone,
  U_GOV,
  U_SRE,
} from './fixtures.js';

describe('rollback', () => {
  const blocker = BLOCKER_ALARM;
  const live = liveAt25;

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

  it('refuses a rollback from someone without the permission', () => {
    expectRefused(
      decide(live(), { type: 'rollback', actor: U_GOV, reason: 'curious' }, minutes(60)),
      'not_permitted',
    );
  });

  it('refuses a rollback when traffic is already at shadow', () => {
    expectRefused(
      decide(readyState(), { type: 'rollback', actor: U_SRE, reason: 'just in case' }, minutes(40)),
      'nothing_to_roll_back',
    );
  });

  it('rolls back a ramp still being applied, from the weight it was moving to', () => {
    const moving = applyAll(readyState(), [[rampEvent(5), minutes(40)]]);
    const decision = decide(moving, { type: 'rollback', actor: U_SRE, reason: 'wrong build' }, minutes(41));
    expect(decision).toMatchObject({
      outcome: 'applied',
      reason: 'rollback_accepted',
      effects: [{ kind: 'roll_back', fromPct: 5, reason: 'wrong build' }],
    });
    expect(decision.state?.pendingRamp).toBeUndefined();
  });

  it('gives a rollback asked for without a reason the reason "requested in Slack"', () => {
    const decision = decide(live(), { type: 'rollback', actor: U_SRE, reason: '  ' }, minutes(60));
    expect(decision.state?.rollback?.reason).toBe('requested in Slack');
  });
});
