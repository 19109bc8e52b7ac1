import { approvalsHold, type Hold } from './approvals.js';
import { describeCountdown, describeInstant } from './describe-instant.js';
import { SYSTEM_ACTOR } from './ledger-entry.js';
import { own } from './own.js';
import { isPermitted, roleName, whoMay } from './policy.js';
import { CHECKS, goRecorded, type RolloutState, soakWeightPct } from './rollout-state.js';

const RAMP_GATES = [
  'rollout',
  'permission',
  'pause',
  'rollback',
  'critical',
  'checks',
  'go_no_go',
  'approvals',
  'step',
  'soak',
] as const;
export type RampGate = (typeof RAMP_GATES)[number];

export interface RampRequest {
  actor: string;
  weightPct: number;
  /** The artifact Merkle root as the files are now. */
  artifactRoot: string;
}

export interface GateResult {
  gate: RampGate;
  /** Undefined when the gate allows the ramp. */
  hold?: Hold;
}

/**
 * Evaluates every gate a ramp must pass, in a fixed order, without stopping at the first that holds:
 * `--dry-run` shows them all, and decide() refuses with the first.
 */
export function evaluateRampGates(state: RolloutState, request: RampRequest, now: Date): GateResult[] {
  return RAMP_GATES.map((gate) => {
    const hold = GATE_CHECKS[gate](state, request, now);
    return hold ? { gate, hold } : { gate };
  });
}

export function firstHold(results: readonly GateResult[]): (Hold & { gate: RampGate }) | undefined {
  const held = results.find((result) => result.hold);
  return held?.hold && { gate: held.gate, ...held.hold };
}

type GateCheck = (state: RolloutState, request: RampRequest, now: Date) => Hold | undefined;

const GATE_CHECKS: Record<RampGate, GateCheck> = {
  rollout: (state) =>
    state.status === 'active'
      ? undefined
      : {
          reason: 'rollout_not_active',
          message: `the ${state.policy.phase} rollout is ${state.status}; start a new one with /mec start.`,
        },

  permission: (state, { actor }) =>
    actor === SYSTEM_ACTOR || isPermitted(state.policy, actor, 'ramp')
      ? undefined
      : {
          reason: 'not_permitted',
          message: `${actor} holds no role that may ramp; ${whoMay(state.policy, 'ramp')}.`,
        },

  pause: (state) =>
    state.paused
      ? {
          reason: 'rollout_paused',
          message: `the rollout was paused by ${state.paused.by}; /mec resume first.`,
        }
      : undefined,

  rollback: (state) => {
    if (state.rollback) return { reason: 'rollback_in_progress', message: 'a rollback is under way.' };
    if (state.lock) {
      return {
        reason: 'rollback_lock',
        message: `ramps are locked since the rollback (${state.lock.reason}); every role must approve again to lift the lock.`,
      };
    }
    return undefined;
  },

  critical: (state) => {
    const open = Object.values(state.gates);
    if (open.length === 0) return undefined;
    const list = open.map((gate) => `${gate.id} (${gate.summary})`).join('; ');
    return {
      reason: 'critical_gate_open',
      message: `CRITICAL gate open: ${list}. It closes when the alarm resolves, or on /mec override by a permitted role.`,
    };
  },

  checks: (state, _request, now) => {
    const check = CHECKS.find((name) => state.checks[name].status !== 'passed');
    if (!check) return undefined;
    const { status, endsAt } = state.checks[check];
    if (check === 'smoke') {
      const when =
        status === 'running' && endsAt ? `; it ends ${describeInstant(new Date(endsAt), now)}` : '';
      return { reason: 'smoke_not_passed', message: `the shadow smoke has not passed (${status}${when}).` };
    }
    return { reason: 'checks_incomplete', message: `the ${check} check has not passed (${status}).` };
  },

  go_no_go: (state) => {
    if (goRecorded(state)) return undefined;
    const waiting = state.policy.goNoGoRoleIds.filter((roleId) => own(state.goNoGo, roleId)?.go !== true);
    return {
      reason: 'go_not_recorded',
      message: `no joint "go" yet: waiting for ${waiting.map((id) => roleName(state.policy, id)).join(', ')}.`,
    };
  },

  approvals: (state, { artifactRoot }, now) => approvalsHold(state, artifactRoot, now),

  step: (state, { weightPct }) => {
    if (state.pendingRamp) {
      return {
        reason: 'ramp_in_progress',
        message: `traffic is moving to ${state.pendingRamp.weightPct}% now.`,
      };
    }
    if (weightPct <= state.trafficPct) {
      return {
        reason: 'backwards_is_rollback',
        message: `traffic is already at ${state.trafficPct}%; going back is a rollback: /mec rollback.`,
      };
    }
    const next = nextRampWeight(state);
    if (next === undefined) return { reason: 'plan_complete', message: 'every step of the plan has run.' };
    if (weightPct !== next) {
      return {
        reason: 'not_next_step',
        message: `the next step of the plan is ${next}%; no step may be skipped.`,
      };
    }
    return undefined;
  },

  soak: (state, _request, now) => {
    const { soak } = state;
    if (!soak || soak.status === 'passed') return undefined;
    if (soak.status === 'breached') {
      return {
        reason: 'soak_breached',
        message: `the ${soakWeightPct(state.policy, soak)}% soak was breached; roll back with /mec rollback.`,
      };
    }
    if (soak.status === 'blind') {
      return {
        reason: 'watch_blind',
        message: `the ${soakWeightPct(state.policy, soak)}% soak could not read enough evaluations; a permitted role overrides watch_blind to accept it, or rolls back with /mec rollback.`,
      };
    }
    return {
      reason: 'soak_running',
      message: `${soakWeightPct(state.policy, soak)}% soak ends ${describeCountdown(new Date(soak.endsAt), now)}.`,
    };
  },
};

/** The weight of the next ramp step, or undefined when none is left. Soak steps in between are skipped over. */
export function nextRampWeight(state: RolloutState): number | undefined {
  const step = state.policy.steps.slice(state.cursor).find((candidate) => candidate.kind === 'ramp');
  return step?.kind === 'ramp' ? step.weightPct : undefined;
}
