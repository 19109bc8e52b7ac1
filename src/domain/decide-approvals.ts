import { approvalDigest, toSignedAt } from './approval-digest.js';
import { approvalStatus, approvalsHold, cardNonce, voidApprovals } from './approvals.js';
import { applied, type Decision, draft, noop, refused } from './decision.js';
import { own } from './own.js';
import { holdsRole, roleName, rolesWithHolders } from './policy.js';
import type { UserEvent } from './rollout-event.js';
import type { RolloutState } from './rollout-state.js';

type Event<T extends string> = Extract<UserEvent, { type: T }>;

/** Checks that apply to approving and rejecting alike; undefined when the actor may speak for the role. */
function roleRefusal(state: RolloutState, actor: string, roleId: string): Decision | undefined {
  const { policy } = state;
  if (!policy.approverRoleIds.includes(roleId)) {
    return refused(state, 'unknown_role', `${roleId} is not a role that approves ${state.policy.phase}.`);
  }
  if (!holdsRole(policy, actor, roleId)) {
    return refused(
      state,
      'not_role_member',
      `${actor} is not ${rolesWithHolders(policy, [roleId])}, so cannot sign for it.`,
    );
  }
  return undefined;
}

/**
 * A click on a card drawn for other artifacts, or before the approvals were voided (a rejection, a
 * rollback), approves nothing; the attempt is recorded.
 */
function staleCard(state: RolloutState, event: Event<'approve'>): Decision | undefined {
  const { drawn } = event;
  if (!drawn) return undefined;
  if (drawn.artifactRoot !== event.artifactRoot)
    return refused(
      state,
      'stale_card',
      `that card was drawn for artifact root ${drawn.artifactRoot.slice(0, 12)}…, but the artifacts are now at ${event.artifactRoot.slice(0, 12)}…; approve on the card as it is drawn now.`,
    );
  if (drawn.nonce !== cardNonce(state))
    return refused(
      state,
      'stale_card',
      'that card was drawn before the approvals were voided; approve on the card as it is drawn now.',
    );
  return undefined;
}

/**
 * Records a role's approval as a commitment to the artifact root of the moment. A repeat by the same
 * person for the same root is a duplicate. The approval that completes the set lifts a rollback lock.
 */
export function approve(state: RolloutState, event: Event<'approve'>, now: Date): Decision {
  const { actor, roleId, artifactRoot } = event;
  const { policy } = state;
  const stale = staleCard(state, event);
  if (stale) return stale;
  const denied = roleRefusal(state, actor, roleId);
  if (denied) return denied;
  if (!policy.allowSelfApproval && actor === state.startedBy) {
    return refused(state, 'self_approval', `${actor} started this rollout and may not approve it too.`);
  }
  const current = own(state.approvals, roleId);
  if (current?.userId === actor && approvalStatus(state, roleId, artifactRoot, now) === 'valid') {
    return noop(state, 'duplicate', `${roleName(policy, roleId)} already approved this artifact root.`);
  }
  const otherRole = Object.values(state.approvals).find(
    (entry) => entry.userId === actor && entry.roleId !== roleId,
  );
  if (otherRole) {
    return refused(
      state,
      'approver_not_distinct',
      `${actor} already approved as ${roleName(policy, otherRole.roleId)}; each role needs a different person.`,
    );
  }
  const signedAt = toSignedAt(now);
  const digest = approvalDigest({ phase: state.policy.phase, roleId, signedAt, artifactRoot });
  const next = draft(state);
  next.approvals[roleId] = { roleId, userId: actor, signedAt, artifactRoot, digest };
  if (next.rejection?.roleId === roleId) delete next.rejection;
  const lockLifted = next.lock !== undefined && approvalsHold(next, artifactRoot, now) === undefined;
  if (lockLifted) delete next.lock;
  const message = `${roleName(policy, roleId)} approved: ${digest.slice(0, 12)}…${lockLifted ? ' Every role has approved again: the rollback lock is lifted.' : ''}`;
  return applied(next, 'approval_recorded', message, [], {
    roleId,
    signedAt,
    artifactRoot,
    digest,
    lockLifted,
  });
}

/** A rejection voids every approval and holds ramps until they are all given again. */
export function reject(state: RolloutState, event: Event<'reject'>, now: Date): Decision {
  const { actor, roleId } = event;
  const denied = roleRefusal(state, actor, roleId);
  if (denied) return denied;
  const reason = event.reason.trim();
  if (reason === '') return refused(state, 'reason_required', 'a rejection needs a reason.');
  const { rejection } = state;
  if (rejection?.roleId === roleId && rejection.userId === actor && rejection.reason === reason) {
    return noop(
      state,
      'duplicate',
      `${roleName(state.policy, roleId)} already rejected the release for that reason.`,
    );
  }
  const next = draft(state);
  const voided = voidApprovals(next);
  next.rejection = { roleId, userId: actor, at: now.toISOString(), reason };
  return applied(
    next,
    'approval_rejected_recorded',
    `${roleName(state.policy, roleId)} rejected the release: ${reason}. Ramps hold until every role approves again.`,
    [],
    { roleId, reason, voided },
  );
}
