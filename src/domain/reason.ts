/**
 * The codes a refusal may carry: every code a refusal outcome has, and `watch_blind`, which is
 * recorded when a soak goes blind and then holds the next ramp. A person who is refused is told what to
 * do next, so each of these has a sentence in the Slack views (`views/refusal-advice.ts`).
 */
export const REFUSAL_REASONS = [
  'no_rollout',
  'rollout_active',
  'phase_complete',
  'rollout_not_active',
  'not_permitted',
  'not_role_member',
  'unknown_role',
  'self_approval',
  'approver_not_distinct',
  'reason_required',
  'checks_incomplete',
  'check_running',
  'traffic_moved',
  'smoke_not_passed',
  'go_not_recorded',
  'approvals_missing',
  'approval_expired',
  'approval_stale_root',
  'approval_rejected',
  'approvals_not_distinct',
  'not_next_step',
  'backwards_is_rollback',
  'plan_complete',
  'ramp_in_progress',
  'soak_running',
  'smoke_running',
  'soak_breached',
  'critical_gate_open',
  'rollback_lock',
  'rollback_in_progress',
  'rollout_paused',
  'not_paused',
  'nothing_to_roll_back',
  'abort_needs_rollback',
  'gate_not_open',
  'watch_blind',
  'stale_card',
] as const;

/**
 * Every outcome of decide() and decideIncident() carries one of these stable snake_case codes. They go
 * into the ledger and may be matched on by tools, so a code is never renamed.
 */
export const REASONS = [
  // applied or recorded
  'rollout_started',
  'check_started',
  'check_passed',
  'check_failed',
  'go_recorded',
  'no_go_recorded',
  'approval_recorded',
  'approval_rejected_recorded',
  'ramp_accepted',
  'traffic_applied',
  'soak_passed',
  'soak_breached_recorded',
  'rollout_complete',
  'paused',
  'resumed',
  'rollback_accepted',
  'rollback_finished',
  'aborted',
  'gate_opened',
  'gate_closed',
  'gate_overridden',
  'locked_by_blocker',
  'alarm_recorded',
  'alarm_unknown',
  'phase_certified',
  'review_posted',
  'incident_acknowledged',
  'registry_adopted',
  'registry_write',
  'registry_recovered',
  'incident_opened',
  'alert_folded',
  'notice_posted',
  'incident_at_shadow',
  'incident_rollback_failed',
  'incident_resolved',
  'instance_resolved',
  'state_lost',
  'ramp_cancelled',
  'watch_extended',
  // nothing to do
  'duplicate',
  'incident_unknown',
  'already_resolved',
  'not_this_rollback',
  // refused (and watch_blind, also recorded when a soak goes blind)
  ...REFUSAL_REASONS,
] as const;

export type ReasonCode = (typeof REASONS)[number];

export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export function isRefusalReason(reason: string): reason is RefusalReason {
  return (REFUSAL_REASONS as readonly string[]).includes(reason);
}
