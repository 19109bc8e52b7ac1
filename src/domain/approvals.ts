import { describeInstant } from './describe-instant.js';
import { own } from './own.js';
import { roleName } from './policy.js';
import type { RefusalReason } from './reason.js';
import type { Approval, RolloutState } from './rollout-state.js';

/** The nonce approval and go/no-go buttons carry: it changes whenever the approvals are voided. */
export function cardNonce(state: Pick<RolloutState, 'approvalRound'>): number {
  return state.approvalRound ?? 0;
}

/**
 * Voids every approval of a draft state and starts a new approval round, so a click on a card drawn
 * before it never counts. Returns what was voided, for the ledger.
 */
export function voidApprovals(next: RolloutState): { roleId: string; digest: string }[] {
  const voided = Object.values(next.approvals).map(({ roleId, digest }) => ({ roleId, digest }));
  next.approvals = {};
  next.approvalRound = cardNonce(next) + 1;
  return voided;
}

export type ApprovalStatus = 'valid' | 'missing' | 'expired' | 'stale_root';

export function approvalExpiresAt(state: RolloutState, approval: Approval): Date {
  return new Date(Date.parse(approval.signedAt) + state.policy.approvalTtlMs);
}

/** Whether a role's approval counts for a ramp of the artifacts whose root is `artifactRoot`, at `now`. */
export function approvalStatus(
  state: RolloutState,
  roleId: string,
  artifactRoot: string,
  now: Date,
): ApprovalStatus {
  const approval = own(state.approvals, roleId);
  if (!approval) return 'missing';
  if (approval.artifactRoot !== artifactRoot) return 'stale_root';
  return approvalExpiresAt(state, approval).getTime() <= now.getTime() ? 'expired' : 'valid';
}

export interface Hold {
  reason: RefusalReason;
  message: string;
}

/**
 * The first reason the approvals do not allow a ramp, or undefined when every required role has a valid
 * approval from a distinct person, bound to the current artifact root.
 */
export function approvalsHold(state: RolloutState, artifactRoot: string, now: Date): Hold | undefined {
  const { policy } = state;
  if (state.rejection) {
    const { roleId, reason } = state.rejection;
    return {
      reason: 'approval_rejected',
      message: `${roleName(policy, roleId)} rejected the release ("${reason}"); every approval must be given again.`,
    };
  }
  const byStatus = (wanted: ApprovalStatus) =>
    policy.approverRoleIds.filter((roleId) => approvalStatus(state, roleId, artifactRoot, now) === wanted);

  const stale = byStatus('stale_root');
  if (stale.length > 0) {
    return {
      reason: 'approval_stale_root',
      message: `the release artifacts changed (root ${artifactRoot.slice(0, 12)}…), so the approvals of ${names(state, stale)} are void; they must approve again.`,
    };
  }
  const expired = byStatus('expired');
  if (expired.length > 0) {
    const first = own(state.approvals, expired[0] as string) as Approval;
    return {
      reason: 'approval_expired',
      message: `the approval of ${names(state, expired)} expired (${describeInstant(approvalExpiresAt(state, first), now)}); ask for it again.`,
    };
  }
  const missing = byStatus('missing');
  if (missing.length > 0) {
    return { reason: 'approvals_missing', message: `waiting for the approval of ${names(state, missing)}.` };
  }
  const signers = policy.approverRoleIds.map((roleId) => own(state.approvals, roleId)?.userId);
  const selfApproved = !policy.allowSelfApproval && signers.includes(state.startedBy);
  if (new Set(signers).size !== signers.length || selfApproved) {
    return {
      reason: 'approvals_not_distinct',
      message: selfApproved
        ? 'the person who started the rollout may not approve it; another member of the role must.'
        : 'each role must be approved by a different person.',
    };
  }
  return undefined;
}

function names(state: RolloutState, roleIds: readonly string[]): string {
  return roleIds.map((roleId) => roleName(state.policy, roleId)).join(', ');
}
