import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import {
  goRecorded,
  ledgerSnapshot,
  nextAttemptId,
  type RolloutState,
  stageOf,
} from '../../src/domain/rollout-state.js';
import {
  applyAll,
  checkDone,
  minutes,
  rampEvent,
  readyState,
  rollbackDone,
  smokedState,
  startEvent,
  T0,
  trafficDone,
  U_GOV,
  U_RM,
  U_SRE,
} from './fixtures.js';

const started = () => decide(null, startEvent(), T0).state as RolloutState;
const live = () =>
  applyAll(readyState(), [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
  ]);

describe('stageOf', () => {
  it.each([
    ['preflight while pre-flight runs', started],
    ['backup once pre-flight passed', () => applyAll(started(), [[checkDone('preflight'), minutes(1)]])],
    ['go_no_go once the smoke passed', smokedState],
    [
      'go_no_go while only one role said go',
      () =>
        applyAll(smokedState(), [
          [{ type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true }, minutes(32)],
        ]),
    ],
    ['ready with the joint go, at shadow', readyState],
    ['ramping once a ramp was accepted', () => applyAll(readyState(), [[rampEvent(5), minutes(40)]])],
    ['ramping with traffic at a step', live],
    [
      'rolling_back while a rollback runs',
      () => applyAll(live(), [[{ type: 'rollback', actor: U_SRE, reason: 'x' }, minutes(41)]]),
    ],
    [
      'locked after the rollback',
      () =>
        applyAll(live(), [
          [{ type: 'rollback', actor: U_SRE, reason: 'x' }, minutes(41)],
          [rollbackDone(), minutes(42)],
        ]),
    ],
    [
      'stopped once aborted',
      () => applyAll(readyState(), [[{ type: 'abort', actor: U_RM, reason: 'x' }, minutes(40)]]),
    ],
  ] as Array<[string, () => RolloutState]>)('is %s', (description, state) => {
    expect(stageOf(state())).toBe(description.split(' ')[0]);
  });
});

describe('goRecorded', () => {
  it('holds only when every go/no-go role said go', () => {
    expect(goRecorded(smokedState())).toBe(false);
    expect(goRecorded(readyState())).toBe(true);
  });
});

describe('nextAttemptId', () => {
  it('hands out the next id of the rollout, each once', () => {
    const state = started();
    const last = state.lastAttemptId;
    expect([nextAttemptId(state), nextAttemptId(state)]).toEqual([`R1.${last + 1}`, `R1.${last + 2}`]);
    expect(state.lastAttemptId).toBe(last + 2);
  });
});

describe('ledgerSnapshot', () => {
  it('keeps the rollout id, stage, status and traffic, and is null before there is a rollout', () => {
    expect(ledgerSnapshot(null)).toBeNull();
    expect(ledgerSnapshot(live())).toEqual({
      rolloutId: 'R1',
      stage: 'ramping',
      status: 'active',
      trafficPct: 5,
    });
  });
});
