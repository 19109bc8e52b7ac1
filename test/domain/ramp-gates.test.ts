import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import { evaluateRampGates } from '../../src/domain/ramp-gates.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  approvals,
  expectRefused,
  minutes,
  POLICY,
  ROOT_A,
  ROOT_B,
  rampEvent,
  readyState,
  smokedState,
  soakDone,
  trafficDone,
  U_GOV,
  U_OUT,
  U_PO,
  U_RM,
  U_SEC,
  U_SRE,
  U_SRE2,
} from './fixtures.js';

const atFive = () =>
  applyAll(readyState(), [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
  ]);

const soakedAtFive = () => applyAll(atFive(), [[soakDone(false, 'clean'), minutes(55)]]);

type Case = [
  name: string,
  state: () => RolloutState,
  event: RolloutEvent,
  now: Date,
  reason: string,
  gate: string,
];

describe('a ramp to N% is refused, naming the gate that held', () => {
  const cases: Case[] = [
    ['N is not a plan step', readyState, rampEvent(33), minutes(40), 'not_next_step', 'step'],
    ['N skips a step', readyState, rampEvent(25), minutes(40), 'not_next_step', 'step'],
    ['N is the current weight', soakedAtFive, rampEvent(5), minutes(56), 'backwards_is_rollback', 'step'],
    ['N goes backwards', soakedAtFive, rampEvent(0), minutes(56), 'backwards_is_rollback', 'step'],
    [
      'a ramp is still being applied',
      () => applyAll(readyState(), [[rampEvent(5), minutes(40)]]),
      rampEvent(5),
      minutes(40),
      'ramp_in_progress',
      'step',
    ],
    ['the soak is still running', atFive, rampEvent(25), minutes(48), 'soak_running', 'soak'],
    [
      'the requester may not ramp',
      readyState,
      rampEvent(5, ROOT_A, U_OUT),
      minutes(40),
      'not_permitted',
      'permission',
    ],
    [
      'an approver tries to ramp',
      readyState,
      rampEvent(5, ROOT_A, U_GOV),
      minutes(40),
      'not_permitted',
      'permission',
    ],
    [
      'no joint go has been recorded',
      () => applyAll(smokedState(), []),
      rampEvent(5),
      minutes(40),
      'go_not_recorded',
      'go_no_go',
    ],
    [
      'the artifacts changed since the approvals',
      readyState,
      rampEvent(5, ROOT_B),
      minutes(40),
      'approval_stale_root',
      'approvals',
    ],
    ['an approval expired', readyState, rampEvent(5), minutes(33 + 24 * 60), 'approval_expired', 'approvals'],
    [
      'an approval is missing',
      () =>
        applyAll(smokedState(), [
          [{ type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true }, minutes(32)],
          [{ type: 'go_no_go', actor: U_SRE, roleId: 'sre_oncall', go: true }, minutes(32)],
          ...approvals(ROOT_A, minutes(33)).slice(0, 3),
        ]),
      rampEvent(5),
      minutes(40),
      'approvals_missing',
      'approvals',
    ],
    [
      'a role rejected the release',
      () =>
        applyAll(readyState(), [
          [{ type: 'reject', actor: U_SEC, roleId: 'security_officer', reason: 'CVE open' }, minutes(34)],
        ]),
      rampEvent(5),
      minutes(40),
      'approval_rejected',
      'approvals',
    ],
  ];

  it.each(cases)('when %s', (_name, state, event, now, reason, gate) => {
    const decision = decide(state(), event, now);
    expectRefused(decision, reason);
    expect(decision.gate).toBe(gate);
    expect(decision.message).toContain(`${gate} gate`);
    expect(decision.state).toEqual(state());
    expect(decision.effects).toEqual([]);
  });

  it('says when a running soak ends, in UTC and from now', () => {
    const decision = decide(atFive(), rampEvent(25), minutes(48));
    expect(decision.message).toContain('5% soak ends 13:55 UTC, in 7 minutes');
  });

  it('says when the smoke ends while it runs', () => {
    const smoking = applyAll(readyState(), [
      [{ type: 'run_check', actor: U_RM, check: 'smoke' }, minutes(34)],
    ]);
    const decision = decide(smoking, rampEvent(5), minutes(50));
    expectRefused(decision, 'smoke_not_passed');
    expect(decision.message).toContain('ends 14:04 UTC, in 14 minutes');
  });

  it('says when an approval expired', () => {
    const decision = decide(readyState(), rampEvent(5), minutes(33 + 24 * 60 + 5));
    expect(decision.message).toContain('expired (13:33 UTC, 5 minutes ago)');
  });

  it('gives the date as well when the instant is not today', () => {
    const decision = decide(readyState(), rampEvent(5), minutes(33 + 3 * 24 * 60));
    expect(decision.message).toContain('expired (22 Oct 13:33 UTC, 2 days ago)');
  });

  it('accepts the ramp when every gate allows it', () => {
    const decision = decide(soakedAtFive(), rampEvent(25), minutes(56));
    expect(decision).toMatchObject({
      outcome: 'applied',
      reason: 'ramp_accepted',
      effects: [{ kind: 'set_traffic', weightPct: 25 }],
    });
  });

  it('evaluates every gate for a dry run, not only the first that holds', () => {
    const results = evaluateRampGates(
      atFive(),
      { actor: U_OUT, weightPct: 25, artifactRoot: ROOT_B },
      minutes(48),
    );
    const held = results.filter((result) => result.hold).map((result) => result.gate);
    expect(held).toEqual(['permission', 'approvals', 'soak']);
    expect(results).toHaveLength(10);
  });
});

describe('approvals', () => {
  const approve = (actor: string, roleId: string, artifactRoot = ROOT_A): RolloutEvent => ({
    type: 'approve',
    actor,
    roleId,
    artifactRoot,
  });

  it('binds each approval to the role, the time to the second, and the artifact root', () => {
    const decision = decide(
      smokedState(),
      approve(U_SEC, 'security_officer'),
      new Date('2025-10-21T13:33:12.345Z'),
    );
    expect(decision.state?.approvals.security_officer).toMatchObject({
      userId: U_SEC,
      signedAt: '2025-10-21T13:33:12Z',
      artifactRoot: ROOT_A,
    });
    expect(decision.detail).toMatchObject({ digest: decision.state?.approvals.security_officer?.digest });
  });

  it.each([
    ['someone outside the role (role spoofing)', approve(U_OUT, 'security_officer'), 'not_role_member'],
    ['a member of another role', approve(U_PO, 'security_officer'), 'not_role_member'],
    ['a role that does not approve', approve(U_RM, 'release_manager'), 'unknown_role'],
    ['a role that does not exist', approve(U_GOV, 'janitor'), 'unknown_role'],
  ])('refuses an approval by %s', (_who, event, reason) => {
    expectRefused(decide(smokedState(), event, minutes(33)), reason);
  });

  it('refuses one person approving two roles', () => {
    const policy = {
      ...POLICY,
      roles: POLICY.roles.map((role) =>
        role.id === 'security_officer' ? { ...role, userIds: [U_SEC, U_SRE] } : role,
      ),
    };
    const state = applyAll(smokedState(policy), [[approve(U_SRE, 'sre_oncall'), minutes(33)]]);
    expectRefused(decide(state, approve(U_SRE, 'security_officer'), minutes(33)), 'approver_not_distinct');
  });

  it('refuses self-approval unless config allows it', () => {
    const withRm = {
      ...POLICY,
      roles: POLICY.roles.map((role) =>
        role.id === 'product_owner' ? { ...role, userIds: [U_PO, U_RM] } : role,
      ),
    };
    expectRefused(decide(smokedState(withRm), approve(U_RM, 'product_owner'), minutes(33)), 'self_approval');
    const allowed = { ...withRm, allowSelfApproval: true };
    expect(decide(smokedState(allowed), approve(U_RM, 'product_owner'), minutes(33)).outcome).toBe('applied');
  });

  it('lets another member of the role renew an approval', () => {
    const state = applyAll(readyState(), [[approve(U_SRE2, 'sre_oncall', ROOT_B), minutes(50)]]);
    expect(state.approvals.sre_oncall).toMatchObject({ userId: U_SRE2, artifactRoot: ROOT_B });
  });

  it('voids every approval when the artifact root changes, until all approve the new root', () => {
    const state = readyState();
    expectRefused(decide(state, rampEvent(5, ROOT_B), minutes(40)), 'approval_stale_root');
    const partly = applyAll(state, approvals(ROOT_B, minutes(41)).slice(0, 3));
    expectRefused(decide(partly, rampEvent(5, ROOT_B), minutes(42)), 'approval_stale_root');
    const renewed = applyAll(state, approvals(ROOT_B, minutes(41)));
    expect(decide(renewed, rampEvent(5, ROOT_B), minutes(42)).outcome).toBe('applied');
  });

  it('a rejection voids every approval and holds ramps until all are given again', () => {
    const rejected = decide(
      readyState(),
      { type: 'reject', actor: U_SEC, roleId: 'security_officer', reason: 'CVE open' },
      minutes(34),
    );
    expect(rejected).toMatchObject({ outcome: 'applied', state: { approvals: {} } });
    expect(rejected.detail).toMatchObject({
      voided: expect.arrayContaining([expect.objectContaining({ roleId: 'product_owner' })]),
    });
    const renewed = applyAll(rejected.state, approvals(ROOT_A, minutes(35)));
    expect(renewed.rejection).toBeUndefined();
    expect(decide(renewed, rampEvent(5), minutes(40)).outcome).toBe('applied');
  });

  it('refuses a rejection without a reason', () => {
    expectRefused(
      decide(
        readyState(),
        { type: 'reject', actor: U_SEC, roleId: 'security_officer', reason: ' ' },
        minutes(34),
      ),
      'reason_required',
    );
  });
});

describe('permissions deny by default', () => {
  it.each([
    ['start', { type: 'start', actor: U_GOV, rolloutId: 'R9', policy: POLICY }],
    ['pause', { type: 'pause', actor: U_PO }],
    ['resume', { type: 'resume', actor: U_PO }],
    ['run a check', { type: 'run_check', actor: U_SEC, check: 'smoke' }],
    ['abort', { type: 'abort', actor: U_SRE, reason: 'x' }],
  ] as Array<[string, RolloutEvent]>)(
    'refuses to let someone without the permission %s',
    (_action, event) => {
      const state = event.type === 'start' ? null : readyState();
      expectRefused(decide(state, event, minutes(40)), 'not_permitted');
    },
  );

  it('grants nothing for an action config does not list', () => {
    const { pause: _dropped, ...permissions } = POLICY.permissions;
    const policy = { ...POLICY, permissions };
    expectRefused(decide(readyState(policy), { type: 'pause', actor: U_RM }, minutes(40)), 'not_permitted');
  });
});
