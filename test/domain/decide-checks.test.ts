import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import { goNoGoRoleFor } from '../../src/domain/decide-checks.js';
import type { RolloutPolicy } from '../../src/domain/policy.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import { type CheckName, type RolloutState, stageOf } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  checkDone,
  decideStep,
  expectRefused,
  minutes,
  POLICY,
  rampEvent,
  readyState,
  smokedState,
  soakDone,
  startEvent,
  T0,
  trafficDone,
  U_GOV,
  U_OUT,
  U_RM,
  U_SEC,
  U_SRE,
  U_SRE2,
} from './fixtures.js';

const started = () => decide(null, startEvent(), T0).state as RolloutState;

/** The example policy with the SRE backup made Governance Lead as well: one person in both go/no-go roles. */
const BOTH_ROLES: RolloutPolicy = {
  ...POLICY,
  roles: POLICY.roles.map((role) =>
    role.id === 'governance_lead' ? { ...role, userIds: [U_GOV, U_SRE2] } : role,
  ),
};

describe('the checks before any traffic moves', () => {
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

  it.each([
    ['a check before the one ahead of it has passed', started, 'backup', 'checks_incomplete'],
    [
      'a check once a ramp was accepted',
      () => applyAll(readyState(), [[rampEvent(5), minutes(40)]]),
      'preflight',
      'traffic_moved',
    ],
  ] as Array<[string, () => RolloutState, CheckName, string]>)(
    'refuses to run %s',
    (_what, state, check, reason) => {
      expectRefused(decide(state(), { type: 'run_check', actor: U_RM, check }, minutes(41)), reason);
    },
  );

  it('treats a run of a check that is already running as a duplicate', () => {
    expect(
      decide(started(), { type: 'run_check', actor: U_RM, check: 'preflight' }, minutes(1)),
    ).toMatchObject({ outcome: 'noop', reason: 'duplicate', effects: [] });
  });

  it('starts the later checks and the go/no-go over when an earlier check runs again', () => {
    const halfGo = applyAll(smokedState(), [
      [{ type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true }, minutes(32)],
    ]);
    const rerun = decide(halfGo, { type: 'run_check', actor: U_RM, check: 'backup' }, minutes(33));
    expect(rerun.state?.checks).toMatchObject({
      preflight: { status: 'passed' },
      backup: { status: 'running' },
      rehearsal: { status: 'pending' },
      smoke: { status: 'pending' },
    });
    expect(rerun.state?.goNoGo).toEqual({});
  });
});

describe('the joint go/no-go', () => {
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

  it.each([
    [
      'before the smoke passed',
      started,
      { type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true },
      'smoke_not_passed',
    ],
    [
      'for a role that takes no part in it',
      smokedState,
      { type: 'go_no_go', actor: U_SEC, roleId: 'security_officer', go: true },
      'unknown_role',
    ],
    [
      'by someone outside the role',
      smokedState,
      { type: 'go_no_go', actor: U_SEC, roleId: 'governance_lead', go: true },
      'not_role_member',
    ],
    [
      'once a ramp was accepted',
      () => applyAll(readyState(), [[rampEvent(5), minutes(40)]]),
      { type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: false },
      'traffic_moved',
    ],
  ] as Array<[string, () => RolloutState, RolloutEvent, string]>)(
    'refuses a decision %s',
    (_when, state, event, reason) => {
      expectRefused(decide(state(), event, minutes(41)), reason);
    },
  );

  it.each([
    ['a role that takes no part in it', U_SEC, 'security_officer'],
    ['a role the person does not hold', U_SEC, 'governance_lead'],
  ])(
    'names every role that decides, and who holds each, when refusing a decision for %s',
    (_what, actor, roleId) => {
      const refusal = decide(smokedState(), { type: 'go_no_go', actor, roleId, go: true }, minutes(41));
      expect(refusal.message).toContain(
        `The go/no-go is decided by Governance Lead (${U_GOV}) and SRE On-Call (${U_SRE}, ${U_SRE2}).`,
      );
    },
  );

  it('refuses one person deciding for both roles: the decision is joint, two people', () => {
    const half = applyAll(smokedState(BOTH_ROLES), [
      [{ type: 'go_no_go', actor: U_SRE2, roleId: 'sre_oncall', go: true }, minutes(32)],
    ]);
    expectRefused(
      decide(half, { type: 'go_no_go', actor: U_SRE2, roleId: 'governance_lead', go: true }, minutes(32)),
      'approver_not_distinct',
    );
  });
});

describe('goNoGoRoleFor', () => {
  it.each([
    ['the one role a person holds', () => null, POLICY, U_SRE, 'sre_oncall'],
    [
      'the first of both roles for someone who holds both, before anyone decided',
      () => smokedState(BOTH_ROLES),
      BOTH_ROLES,
      U_SRE2,
      'governance_lead',
    ],
    [
      'the role nobody has decided for yet, for someone who holds both',
      () =>
        applyAll(smokedState(BOTH_ROLES), [
          [{ type: 'go_no_go', actor: U_SRE2, roleId: 'governance_lead', go: true }, minutes(32)],
        ]),
      BOTH_ROLES,
      U_SRE2,
      'sre_oncall',
    ],
    [
      'the first role for someone who holds neither, so that decide() refuses and records it',
      () => null,
      POLICY,
      U_OUT,
      'governance_lead',
    ],
  ] as Array<[string, () => RolloutState | null, RolloutPolicy, string, string]>)(
    'is %s',
    (_what, state, policy, actor, roleId) => {
      expect(goNoGoRoleFor(state(), policy, actor)).toBe(roleId);
    },
  );
});

describe('starting a rollout', () => {
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
