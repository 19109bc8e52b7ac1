import type { PlanStep, RolloutPolicy } from '../domain/policy.js';
import type { MecConfig } from './config-schema.js';

/** The part of the config that decides a rollout, in the domain's terms. */
export function toPolicy(config: MecConfig): RolloutPolicy {
  return {
    phase: config.phase,
    roles: config.roles.map(({ id, name, users }) => ({ id, name, userIds: users })),
    permissions: config.permissions,
    approverRoleIds: config.approvals.roles,
    goNoGoRoleIds: config.goNoGo.roles,
    allowSelfApproval: config.approvals.allowSelfApproval,
    approvalTtlMs: config.approvals.ttl,
    smokeMs: config.smoke.duration,
    steps: config.plan.steps.map(
      (step): PlanStep =>
        'ramp' in step ? { kind: 'ramp', weightPct: step.ramp } : { kind: 'soak', soakMs: step.soak },
    ),
    autoAdvance: config.plan.autoAdvance,
  };
}
