import { describe, expect, it } from 'vitest';
import { REASONS } from '../../src/domain/reason.js';

/** Every code as of this writing. The ledger may hold any of them, and tools match on them. */
const RECORDED = [
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
  'notice_posted',
  'incident_at_shadow',
  'incident_resolved',
  'duplicate',
  'incident_unknown',
  'not_this_rollback',
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
];

describe('reason codes', () => {
  it('are all stable snake_case identifiers, each listed once', () => {
    for (const reason of REASONS) expect(reason).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(new Set(REASONS).size).toBe(REASONS.length);
  });

  it('keep every code the ledger may already hold: codes are added, never renamed or dropped', () => {
    expect([...REASONS]).toEqual(expect.arrayContaining(RECORDED));
  });
});
