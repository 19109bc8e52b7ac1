/**
 * One step of a rollout plan. Each step does exactly one thing: move traffic to a weight, or hold the
 * current weight for a soak while alarms are watched.
 */
export type PlanStep = { kind: 'ramp'; weightPct: number } | { kind: 'soak'; soakMs: number };

/** A governance role. `id` is what approval digests commit to; `name` is what people read. */
interface RoleSpec {
  id: string;
  name: string;
  /** Slack user ids holding the role. */
  userIds: readonly string[];
}

/** Actions that need a permission from config. Anything not granted is denied. */
export const GOVERNED_ACTIONS = [
  'start',
  'run_check',
  'ramp',
  'pause',
  'resume',
  'rollback',
  'abort',
  'override',
  'acknowledge',
] as const;
export type GovernedAction = (typeof GOVERNED_ACTIONS)[number];

/**
 * Everything the rollout of one phase is decided by. It is copied into the rollout when it starts, so
 * a rollout runs to its end under the rules it started with, and the ledger can say which.
 */
export interface RolloutPolicy {
  phase: string;
  roles: readonly RoleSpec[];
  /** Role ids allowed to take each action. */
  permissions: Readonly<Partial<Record<GovernedAction, readonly string[]>>>;
  /** Roles whose approval every ramp needs, one distinct person each. */
  approverRoleIds: readonly string[];
  /** Roles that record the joint go/no-go. */
  goNoGoRoleIds: readonly string[];
  /** Whether the person who started the rollout may also approve it. */
  allowSelfApproval: boolean;
  /** How long an approval stays valid, in milliseconds. */
  approvalTtlMs: number;
  /** How long the shadow smoke runs, in milliseconds. */
  smokeMs: number;
  steps: readonly PlanStep[];
  /** Ramp to the next weight as soon as a soak passes, without waiting for a person. */
  autoAdvance: boolean;
}

export function roleName(policy: RolloutPolicy, roleId: string): string {
  return policy.roles.find((role) => role.id === roleId)?.name ?? roleId;
}

/**
 * Each of the roles, by name, with the user ids who hold it: `Governance Lead (U1) and SRE On-Call
 * (U2, U3)`. A role nobody holds says so, so a refused person knows to fix the config instead.
 */
export function rolesWithHolders(policy: RolloutPolicy, roleIds: readonly string[]): string {
  const named = roleIds.map((roleId) => {
    const holders = policy.roles.find((role) => role.id === roleId)?.userIds ?? [];
    return `${roleName(policy, roleId)} (${holders.length > 0 ? holders.join(', ') : 'held by nobody in the config'})`;
  });
  return named.length <= 1 ? (named[0] ?? 'no role') : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
}

/** Who may take `action`, for a refusal: every role granted it, with who holds each. */
export function whoMay(policy: RolloutPolicy, action: GovernedAction): string {
  const roleIds = policy.permissions[action] ?? [];
  return roleIds.length === 0
    ? 'no role is granted it in the config'
    : `it is granted to ${rolesWithHolders(policy, roleIds)}`;
}

export function holdsRole(policy: RolloutPolicy, userId: string, roleId: string): boolean {
  return policy.roles.some((role) => role.id === roleId && role.userIds.includes(userId));
}

/** Whether the user holds any role of the policy at all. */
export function holdsAnyRole(policy: RolloutPolicy, userId: string): boolean {
  return policy.roles.some((role) => role.userIds.includes(userId));
}

/** Deny by default: a user may act only through a role that config grants the action to. */
export function isPermitted(policy: RolloutPolicy, userId: string, action: GovernedAction): boolean {
  const grantedRoleIds = policy.permissions[action] ?? [];
  return grantedRoleIds.some((roleId) => holdsRole(policy, userId, roleId));
}

/** The ramp weights of the plan in order. */
export function rampWeights(policy: RolloutPolicy): number[] {
  return policy.steps.flatMap((step) => (step.kind === 'ramp' ? [step.weightPct] : []));
}
