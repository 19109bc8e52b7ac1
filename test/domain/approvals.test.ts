import { describe, expect, it } from 'vitest';
import { approvalExpiresAt, approvalStatus, approvalsHold } from '../../src/domain/approvals.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { minutes, POLICY, ROOT_A, ROOT_B, readyState, U_GOV, U_RM, U_SEC } from './fixtures.js';

/** readyState() has all four approvals signed at T0+33m on ROOT_A, valid for 24 hours. */
const DAY = 24 * 60;

const withApprovals = (change: (state: RolloutState) => void): RolloutState => {
  const state = readyState();
  change(state);
  return state;
};

describe('approvalStatus', () => {
  it.each([
    [
      'valid for its artifact root before it expires',
      'governance_lead',
      ROOT_A,
      minutes(33 + DAY - 1),
      'valid',
    ],
    ['expired once its time to live has passed', 'governance_lead', ROOT_A, minutes(33 + DAY), 'expired'],
    ['stale for another artifact root, however fresh', 'governance_lead', ROOT_B, minutes(34), 'stale_root'],
    ['missing for a role nobody approved', 'release_manager', ROOT_A, minutes(34), 'missing'],
    ['missing for an id like constructor', 'constructor', ROOT_A, minutes(34), 'missing'],
  ] as const)('is %s', (_what, roleId, root, now, status) => {
    expect(approvalStatus(readyState(), roleId, root, now)).toBe(status);
  });

  it('expires an approval its time to live after it was signed', () => {
    const state = readyState();
    const approval = state.approvals.sre_oncall;
    if (!approval) throw new Error('expected an approval');
    expect(approvalExpiresAt(state, approval)).toEqual(
      new Date(Date.parse(approval.signedAt) + POLICY.approvalTtlMs),
    );
  });
});

describe('approvalsHold', () => {
  it('holds nothing when every role approved, each a distinct person, on the current root', () => {
    expect(approvalsHold(readyState(), ROOT_A, minutes(40))).toBeUndefined();
  });

  it.each([
    [
      'a rejection, before anything else',
      withApprovals((state) => {
        state.rejection = {
          roleId: 'security_officer',
          userId: U_SEC,
          at: minutes(34).toISOString(),
          reason: 'CVE',
        };
      }),
      ROOT_B,
      minutes(40),
      'approval_rejected',
      'Security Officer rejected the release ("CVE")',
    ],
    [
      'approvals of another root',
      readyState(),
      ROOT_B,
      minutes(40),
      'approval_stale_root',
      'the release artifacts changed (root bbbbbbbbbbbb…)',
    ],
    [
      'expired approvals',
      readyState(),
      ROOT_A,
      minutes(33 + DAY),
      'approval_expired',
      'the approval of Governance Lead, SRE On-Call, Security Officer, Product Owner expired',
    ],
    [
      'a role still to approve',
      withApprovals((state) => {
        delete state.approvals.product_owner;
      }),
      ROOT_A,
      minutes(40),
      'approvals_missing',
      'waiting for the approval of Product Owner.',
    ],
    [
      'one person signing for two roles',
      withApprovals((state) => {
        const sre = state.approvals.sre_oncall;
        if (sre) state.approvals.sre_oncall = { ...sre, userId: U_GOV };
      }),
      ROOT_A,
      minutes(40),
      'approvals_not_distinct',
      'each role must be approved by a different person.',
    ],
    [
      'the starter among the signers, unless config allows it',
      withApprovals((state) => {
        const po = state.approvals.product_owner;
        if (po) state.approvals.product_owner = { ...po, userId: U_RM };
      }),
      ROOT_A,
      minutes(40),
      'approvals_not_distinct',
      'the person who started the rollout may not approve it',
    ],
  ])('holds a ramp for %s', (_what, state, root, now, reason, message) => {
    const hold = approvalsHold(state, root, now);
    expect(hold?.reason).toBe(reason);
    expect(hold?.message).toContain(message);
  });

  it('lets the starter sign when config allows self-approval', () => {
    const state = withApprovals((draft) => {
      const po = draft.approvals.product_owner;
      if (po) draft.approvals.product_owner = { ...po, userId: U_RM };
      draft.policy = { ...draft.policy, allowSelfApproval: true };
    });
    expect(approvalsHold(state, ROOT_A, minutes(40))).toBeUndefined();
  });
});
