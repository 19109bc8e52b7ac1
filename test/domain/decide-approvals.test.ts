import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import {
  applyAll,
  approvals,
  BLOCKER_ALARM,
  expectRefused,
  liveAt25,
  minutes,
  POLICY,
  ROOT_A,
  ROOT_B,
  rampEvent,
  readyState,
  rollbackDone,
  smokedState,
  U_GOV,
  U_OUT,
  U_PO,
  U_RM,
  U_SEC,
  U_SRE,
  U_SRE2,
} from './fixtures.js';

describe('approve and reject', () => {
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

  it('names who holds the role when refusing an approval from outside it', () => {
    const refusal = decide(smokedState(), approve(U_OUT, 'security_officer'), minutes(33));
    expect(refusal.message).toBe(`${U_OUT} is not Security Officer (${U_SEC}), so cannot sign for it.`);
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

  it('starts a new approval round, the card nonce, whenever approvals are voided', () => {
    const reject: RolloutEvent = { type: 'reject', actor: U_SEC, roleId: 'security_officer', reason: 'CVE' };
    const once = decide(readyState(), reject, minutes(34)).state;
    expect(once?.approvalRound).toBe(1);
    const twice = decide(applyAll(once, approvals(ROOT_A, minutes(35))), reject, minutes(36)).state;
    expect(twice?.approvalRound).toBe(2);
  });

  it.each([
    ['drawn for another artifact root', { artifactRoot: ROOT_B, nonce: 0 }],
    ['drawn before the approvals were voided', { artifactRoot: ROOT_A, nonce: 1 }],
  ])('refuses, as stale_card, an approval from a card %s', (_name, drawn) => {
    const event: RolloutEvent = {
      type: 'approve',
      actor: U_SEC,
      roleId: 'security_officer',
      artifactRoot: ROOT_A,
      drawn,
    };
    expectRefused(decide(smokedState(), event, minutes(34)), 'stale_card');
    const current: RolloutEvent = { ...event, drawn: { artifactRoot: ROOT_A, nonce: 0 } };
    expect(decide(smokedState(), current, minutes(34)).outcome).toBe('applied');
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

  it('treats a second approval by the same person for the same root as a duplicate', () => {
    const once = applyAll(smokedState(), [[approve(U_SEC, 'security_officer'), minutes(33)]]);
    expect(decide(once, approve(U_SEC, 'security_officer'), minutes(34))).toMatchObject({
      outcome: 'noop',
      reason: 'duplicate',
    });
  });

  it('takes a renewal by the same person once their approval expired', () => {
    const once = applyAll(smokedState(), [[approve(U_SEC, 'security_officer'), minutes(33)]]);
    const renewed = decide(once, approve(U_SEC, 'security_officer'), minutes(33 + 24 * 60));
    expect(renewed).toMatchObject({ outcome: 'applied', reason: 'approval_recorded' });
  });
});

describe('the rollback lock', () => {
  const blocker = BLOCKER_ALARM;
  const live = liveAt25;

  it('lifts the lock once every role approves again, and the plan restarts at its first step', () => {
    const locked = applyAll(live(), [
      [blocker, minutes(60)],
      [rollbackDone('registry restored'), minutes(61)],
    ]);
    const renewed = applyAll(locked, approvals(ROOT_A, minutes(90)));
    expect(renewed.lock).toBeUndefined();
    expectRefused(decide(renewed, rampEvent(25), minutes(91)), 'not_next_step');
    expect(decide(renewed, rampEvent(5), minutes(91)).outcome).toBe('applied');
  });
});
