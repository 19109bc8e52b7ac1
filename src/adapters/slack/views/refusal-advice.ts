import type { RefusalReason } from '../../../domain/reason.js';

/**
 * What a refused person can do next, one sentence per refusal code. The refusal leads with it; the
 * code itself goes underneath, for those who look it up or match on it. mrkdwn, written here, so it
 * is not escaped.
 */
const ADVICE: Record<RefusalReason, string> = {
  no_rollout: 'Start a rollout with `/mec start`.',
  rollout_active: 'Carry on with the rollout that is running: `/mec status` shows where it stands.',
  phase_complete: 'Nothing is left to roll out in this phase; the next phase starts from its own config.',
  rollout_not_active: 'Start a new rollout with `/mec start`.',
  not_permitted: 'Ask one of the people named below to do it: they hold a role allowed to.',
  not_role_member: 'Ask a member of that role to do it: who holds it is named below.',
  unknown_role: 'Use the current card or message: its buttons are for the roles this phase has now.',
  self_approval: 'Ask another member of the role to approve: whoever started the rollout may not.',
  approver_not_distinct: 'Ask a different person to act for the other role: each needs its own person.',
  reason_required: 'Try again and give a reason.',
  checks_incomplete: 'Run the earlier checks first, in order; `/mec status` shows which one is next.',
  check_running: 'Wait for the running check to finish; its result is posted in the thread.',
  traffic_moved:
    'This step belongs before the first ramp; to start over, `/mec rollback`, then `/mec start`.',
  smoke_not_passed: 'Wait for the shadow smoke to pass, or run it again with `/mec smoke`.',
  go_not_recorded: 'Ask the roles named above for their go: `/mec go`, or Go on the go/no-go card.',
  approvals_missing: 'Ask the roles named above to approve: `/mec approvals` posts the approval card.',
  approval_expired: 'Ask for a fresh approval: `/mec approvals` posts the approval card.',
  approval_stale_root:
    'Ask every role to approve the changed artifacts again: `/mec approvals` posts the card.',
  stale_card:
    'This card was drawn before approvals were voided; approve on the newest card, which `/mec approvals` posts.',
  approval_rejected: 'Settle the rejection with the role that gave it, then ask every role to approve again.',
  approvals_not_distinct: 'Ask a different person to approve for one of the roles.',
  not_next_step: 'Ramp to the next step of the plan named above; `/mec status` shows the plan.',
  backwards_is_rollback: 'To lower traffic, roll back with `/mec rollback`.',
  plan_complete: 'Every ramp has run; nothing more to ramp in this rollout.',
  ramp_in_progress: 'Wait for traffic to finish moving; the rollout message shows when it lands.',
  soak_running: 'Wait for the soak to end, then ramp; the rollout message counts down to it.',
  smoke_running: 'Wait for the shadow smoke to end; its result is posted in the thread.',
  soak_breached: 'Roll back with `/mec rollback`: a breached soak cannot be ramped past.',
  critical_gate_open: 'Wait for the alarm to resolve, or ask a role allowed to override to use Override.',
  rollback_lock: 'Ask every role to approve again (`/mec approvals`); that lifts the lock.',
  rollback_in_progress: 'Wait for the rollback to reach shadow; the rollout message shows when it does.',
  rollout_paused: 'Resume first with `/mec resume`, then try again.',
  not_paused: 'Nothing to resume: the rollout is not paused.',
  nothing_to_roll_back: 'Nothing to roll back: traffic is at shadow already.',
  abort_needs_rollback: 'Return traffic to shadow with `/mec rollback` first, then abort.',
  gate_not_open: 'Nothing to override: that gate is closed already; `/mec status` shows what is open.',
  watch_blind:
    'Ask a role allowed to override to accept the soak (Override watch_blind), or `/mec rollback`.',
};

/** The sentence that tells a refused person what to do next. */
export function adviceFor(reason: RefusalReason): string {
  return ADVICE[reason];
}
