import { STATE_LOST_GATE } from './decide-state-lost.js';
import { applied, type Decision, draft, noop, refused } from './decision.js';
import { describeInstant } from './describe-instant.js';
import type { Effect } from './effect.js';
import { own } from './own.js';
import { holdsRole, isPermitted, type RolloutPolicy, roleName, rolesWithHolders, whoMay } from './policy.js';
import type { SystemEvent, UserEvent } from './rollout-event.js';
import {
  CHECKS,
  type CheckName,
  type CheckState,
  goRecorded,
  nextAttemptId,
  type RolloutState,
} from './rollout-state.js';
import { WATCH_BLIND_GATE } from './watch-coverage.js';

type Event<T extends string> = Extract<UserEvent | SystemEvent, { type: T }>;

export function start(state: RolloutState | null, event: Event<'start'>, now: Date): Decision {
  const { policy, actor } = event;
  const lost = state && own(state.gates, STATE_LOST_GATE);
  if (lost) {
    return refused(
      state,
      'critical_gate_open',
      `the ${STATE_LOST_GATE} gate is open: ${lost.summary}. Return traffic to shadow (/mec rollback) and end that rollout (/mec abort); a role that may override gates then overrides ${STATE_LOST_GATE} on the rollout message before a new start.`,
    );
  }
  if (state?.status === 'active') {
    return refused(
      state,
      'rollout_active',
      `the ${state.policy.phase} rollout ${state.rolloutId} is still active; see /mec status.`,
    );
  }
  // A completed phase serves 100%; a new rollout would start from a traffic figure that is not true.
  if (state?.status === 'complete') {
    return refused(
      state,
      'phase_complete',
      `${state.policy.phase} is complete and certified; the next phase gets its own config.`,
    );
  }
  if (!isPermitted(policy, actor, 'start')) {
    return refused(
      state,
      'not_permitted',
      `${actor} holds no role that may start a rollout; ${whoMay(policy, 'start')}.`,
    );
  }
  const pending: CheckState = { status: 'pending' };
  const next: RolloutState = {
    rolloutId: event.rolloutId,
    policy,
    status: 'active',
    startedBy: actor,
    startedAt: now.toISOString(),
    checks: { preflight: pending, backup: pending, rehearsal: pending, smoke: pending },
    goNoGo: {},
    approvals: {},
    trafficPct: 0,
    cursor: 0,
    // CRITICAL gates belong to the phase, not to one attempt at it: they outlive an abort or a no-go. A
    // blind watch's gate belongs to that watch, which this rollout does not have.
    gates: Object.fromEntries(
      Object.entries(state?.gates ?? {}).filter(([, gate]) => gate.source !== 'watch'),
    ),
    overrides: state?.overrides ?? {},
    lastAttemptId: 0,
  };
  const runId = startCheck(next, 'preflight', now);
  return applied(
    next,
    'rollout_started',
    `${policy.phase} rollout started; pre-flight validation is running.`,
    [{ kind: 'run_check', check: 'preflight', runId }],
  );
}

/** Re-runs a check (after a failure, say). Later checks, and a go/no-go that rested on them, start over. */
export function runCheck(state: RolloutState, event: Event<'run_check'>, now: Date): Decision {
  const { actor, check } = event;
  if (!isPermitted(state.policy, actor, 'run_check')) {
    return refused(
      state,
      'not_permitted',
      `${actor} holds no role that may run checks; ${whoMay(state.policy, 'run_check')}.`,
    );
  }
  if (state.trafficPct > 0 || state.cursor > 0 || state.pendingRamp || state.rollback) {
    return refused(state, 'traffic_moved', 'checks run before the first ramp; traffic has moved since.');
  }
  const earlier = CHECKS.slice(0, CHECKS.indexOf(check)).find(
    (name) => state.checks[name].status !== 'passed',
  );
  if (earlier) return refused(state, 'checks_incomplete', `the ${earlier} check must pass before ${check}.`);
  if (state.checks[check].status === 'running')
    return noop(state, 'duplicate', `${check} is already running.`);
  const next = draft(state);
  const runId = startCheck(next, check, now);
  // A blind smoke's gate goes when the smoke runs again: the new run decides.
  if (next.gates[WATCH_BLIND_GATE]?.watch?.kind === 'smoke') delete next.gates[WATCH_BLIND_GATE];
  for (const later of CHECKS.slice(CHECKS.indexOf(check) + 1)) next.checks[later] = { status: 'pending' };
  next.goNoGo = {};
  return applied(next, 'check_started', `${check} started.`, [{ kind: 'run_check', check, runId }]);
}

/** A check job reports its result. The next check starts by itself; a passed smoke asks for the go/no-go. */
export function checkFinished(state: RolloutState, event: Event<'check_finished'>, now: Date): Decision {
  const { check, passed, summary, ref } = event;
  const current = state.checks[check];
  if (current.status !== 'running' || current.runId !== event.runId) {
    return noop(
      state,
      'duplicate',
      `${check} run ${event.runId} is not the one running; the result is stale or already taken.`,
    );
  }
  // The smoke proves something only by lasting its full duration; its job reports again when it has.
  if (passed && current.endsAt && now.getTime() < Date.parse(current.endsAt)) {
    return noop(
      state,
      'smoke_running',
      `the shadow smoke ends ${describeInstant(new Date(current.endsAt), now)}.`,
    );
  }
  const next = draft(state);
  next.checks[check] = {
    ...current,
    status: passed ? 'passed' : 'failed',
    finishedAt: now.toISOString(),
    summary,
    ...(ref === undefined ? {} : { ref }),
  };
  if (!passed) {
    const verb = check === 'smoke' ? 'smoke' : 'preflight';
    return applied(next, 'check_failed', `${check} failed: ${summary}. Fix it and run /mec ${verb} again.`);
  }
  const following = CHECKS[CHECKS.indexOf(check) + 1];
  const effects: Effect[] = following
    ? [{ kind: 'run_check', check: following, runId: startCheck(next, following, now) }]
    : [{ kind: 'post_card', card: 'go_no_go' }];
  return applied(next, 'check_passed', `${check} passed: ${summary}.`, effects);
}

/** Marks a check running on a draft state and returns the id of this run. */
function startCheck(state: RolloutState, check: CheckName, now: Date): string {
  const startedAt = now.toISOString();
  const runId = nextAttemptId(state);
  state.checks[check] =
    check === 'smoke'
      ? {
          status: 'running',
          runId,
          startedAt,
          endsAt: new Date(now.getTime() + state.policy.smokeMs).toISOString(),
        }
      : { status: 'running', runId, startedAt };
  return runId;
}

/**
 * The go/no-go role a person speaks for: their one role, or, for someone who holds both, the first one
 * nobody has decided for yet (decide() still keeps them from deciding for the other). Someone holding
 * neither is sent as the first role, so their attempt is refused and recorded.
 */
export function goNoGoRoleFor(state: RolloutState | null, policy: RolloutPolicy, actor: string): string {
  const held = policy.goNoGoRoleIds.filter((roleId) => holdsRole(policy, actor, roleId));
  const open = held.find((roleId) => !state || own(state.goNoGo, roleId) === undefined);
  return open ?? held[0] ?? policy.goNoGoRoleIds[0] ?? '';
}

/** Who can decide the go/no-go, for a refusal: every role of it, and who holds each. */
const decidedBy = (policy: RolloutPolicy) =>
  `The go/no-go is decided by ${rolesWithHolders(policy, policy.goNoGoRoleIds)}.`;

/** The Governance Lead and SRE On-Call decide jointly: both "go" records the go, one "no-go" stops the rollout. */
export function goNoGo(state: RolloutState, event: Event<'go_no_go'>, now: Date): Decision {
  const { actor, roleId, go } = event;
  const { policy } = state;
  if (!policy.goNoGoRoleIds.includes(roleId)) {
    return refused(
      state,
      'unknown_role',
      `${roleName(policy, roleId)} does not take part in the go/no-go. ${decidedBy(policy)}`,
    );
  }
  if (!holdsRole(policy, actor, roleId)) {
    return refused(
      state,
      'not_role_member',
      `${actor} is not ${roleName(policy, roleId)}. ${decidedBy(policy)}`,
    );
  }
  if (CHECKS.some((check) => state.checks[check].status !== 'passed')) {
    return refused(state, 'smoke_not_passed', 'the go/no-go comes after a passed shadow smoke.');
  }
  if (state.trafficPct > 0 || state.cursor > 0 || state.pendingRamp) {
    return refused(state, 'traffic_moved', 'the go/no-go was decided before the first ramp.');
  }
  const previous = own(state.goNoGo, roleId);
  if (previous && previous.userId === actor && previous.go === go) {
    return noop(state, 'duplicate', `${roleName(policy, roleId)} already said ${go ? 'go' : 'no-go'}.`);
  }
  const otherRole = Object.values(state.goNoGo).find(
    (entry) => entry.userId === actor && entry.roleId !== roleId,
  );
  if (otherRole) {
    return refused(
      state,
      'approver_not_distinct',
      `${actor} already decided as ${roleName(policy, otherRole.roleId)}; the go/no-go is joint, two people. ${decidedBy(policy)}`,
    );
  }
  const next = draft(state);
  const at = now.toISOString();
  next.goNoGo[roleId] = { roleId, userId: actor, at, go, ...(event.reason ? { reason: event.reason } : {}) };
  const detail = { roleId, go, ...(event.reason ? { reason: event.reason } : {}) };
  if (!go) {
    next.status = 'stopped';
    next.ended = {
      at,
      reason: `no-go by ${roleName(policy, roleId)}${event.reason ? `: ${event.reason}` : ''}`,
    };
    return applied(
      next,
      'no_go_recorded',
      `No-go from ${roleName(policy, roleId)}: the rollout is stopped.`,
      [],
      detail,
    );
  }
  const joint = goRecorded(next);
  const message = joint
    ? 'Joint go recorded; approvals are next.'
    : `Go from ${roleName(policy, roleId)} recorded; waiting for the other half of the joint decision.`;
  return applied(
    next,
    'go_recorded',
    message,
    joint ? [{ kind: 'post_card', card: 'approvals' }] : [],
    detail,
  );
}
