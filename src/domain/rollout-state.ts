import { own } from './own.js';
import type { RolloutPolicy } from './policy.js';

/** The validation checks that run before any traffic moves, in the order they run. */
export const CHECKS = ['preflight', 'backup', 'rehearsal', 'smoke'] as const;
export type CheckName = (typeof CHECKS)[number];

export interface CheckState {
  status: 'pending' | 'running' | 'passed' | 'failed';
  /** Identifies this run of the check; its result must echo it. */
  runId?: string;
  /** ISO-8601 UTC. */
  startedAt?: string;
  finishedAt?: string;
  /** When a timed check (the smoke) is due to end. */
  endsAt?: string;
  summary?: string;
  /** Where the check's evidence is, e.g. a release record or backup directory in the workspace. */
  ref?: string;
}

export interface Approval {
  roleId: string;
  userId: string;
  /** ISO-8601 UTC to the second with a `Z`: the form the digest commits to. */
  signedAt: string;
  artifactRoot: string;
  digest: string;
}

interface GoNoGo {
  roleId: string;
  userId: string;
  at: string;
  go: boolean;
  reason?: string;
}

/** An open CRITICAL gate. Ramps are refused while any is open. */
export interface OpenGate {
  id: string;
  source: 'alarm' | 'registry' | 'metrics_source' | 'watch';
  openedAt: string;
  summary: string;
  /** For the registry gate: the Merkle root of the hand-edited file it was opened for. */
  registryRoot?: string;
  /** For the watch_blind gate: the watch that could not read enough, which an override accepts. */
  watch?: { kind: 'smoke' | 'soak'; id: string };
}

export interface Soak {
  /** Identifies this soak; the report that ends it must echo it. */
  soakId: string;
  /** Index of the soak step in the plan; the weight it soaks is the ramp before it (soakWeightPct). */
  stepIndex: number;
  startedAt: string;
  /** When it ends; later than startedAt plus the step's soakMs once extended to make up missed evaluations. */
  endsAt: string;
  /** `blind`: it read too few evaluations; the watch_blind gate holds until a permitted role decides. */
  status: 'running' | 'passed' | 'breached' | 'blind';
}

export interface RolloutState {
  rolloutId: string;
  policy: RolloutPolicy;
  status: 'active' | 'complete' | 'stopped';
  startedBy: string;
  startedAt: string;
  ended?: { at: string; reason: string };
  checks: Record<CheckName, CheckState>;
  /** Go/no-go decisions by role id. */
  goNoGo: Record<string, GoNoGo>;
  /** Current approvals by role id. */
  approvals: Record<string, Approval>;
  rejection?: { roleId: string; userId: string; at: string; reason: string };
  /** The weight `meta_prod` is known to serve, 0 = shadow. */
  trafficPct: number;
  /** Index of the next plan step to run. */
  cursor: number;
  /** A ramp that was accepted and is being applied; the controller's report must echo `rampId`. */
  pendingRamp?: { rampId: string; weightPct: number; requestedBy: string; requestedAt: string };
  soak?: Soak;
  gates: Record<string, OpenGate>;
  /**
   * Gates a person overrode while their alarm still fires; repeats of that alarm do not reopen them. For
   * the registry gate, `registryRoot` is the hand edit overridden: a different one opens it again.
   */
  overrides: Record<string, { by: string; at: string; reason: string; registryRoot?: string }>;
  paused?: { by: string; at: string; reason?: string };
  /** A rollback that was accepted and is being applied; its report must echo `rollbackId`. */
  rollback?: {
    rollbackId: string;
    requestedBy: string;
    requestedAt: string;
    reason: string;
    fromPct: number;
  };
  /**
   * Counts the times every approval was voided (a rejection, a rollback, a BLOCKER at shadow); 0 or
   * absent before the first. Approval and go/no-go buttons carry it as their card nonce.
   */
  approvalRound?: number;
  /** Set by a finished rollback; lifted when every approval has been given again. */
  lock?: { since: string; reason: string };
  /** The finished phase's final roots, recorded by the certify step. */
  certified?: { at: string; artifactRoot: string; registryRoot: string };
  /** The last rollback that finished, so a late report can learn when traffic reached shadow. */
  lastRollback?: { rollbackId: string; finishedAt: string };
  /** The last attempt id handed out, so every check run, ramp, soak and rollback gets its own. */
  lastAttemptId: number;
}

/** Hands out the next attempt id of a rollout (on a draft state). */
export function nextAttemptId(state: RolloutState): string {
  state.lastAttemptId += 1;
  return `${state.rolloutId}.${state.lastAttemptId}`;
}

/** Where a rollout stands, for people and for the ledger. Derived, never stored. */
export type Stage =
  | CheckName
  | 'go_no_go'
  | 'ready'
  | 'ramping'
  | 'rolling_back'
  | 'locked'
  | 'complete'
  | 'stopped';

export function stageOf(state: RolloutState): Stage {
  if (state.status === 'complete') return 'complete';
  if (state.status === 'stopped') return 'stopped';
  if (state.rollback) return 'rolling_back';
  if (state.lock) return 'locked';
  const unfinished = CHECKS.find((check) => state.checks[check].status !== 'passed');
  if (unfinished) return unfinished;
  if (!goRecorded(state)) return 'go_no_go';
  return state.trafficPct === 0 && !state.pendingRamp ? 'ready' : 'ramping';
}

export function goRecorded(state: RolloutState): boolean {
  return state.policy.goNoGoRoleIds.every((roleId) => own(state.goNoGo, roleId)?.go === true);
}

/** The few values the ledger records before and after every transition. */
export function ledgerSnapshot(state: RolloutState | null) {
  if (!state) return null;
  return {
    rolloutId: state.rolloutId,
    stage: stageOf(state),
    status: state.status,
    trafficPct: state.trafficPct,
  };
}

/** The weight a soak holds traffic at: the plan's last ramp before the soak step. */
export function soakWeightPct(policy: RolloutPolicy, soak: Pick<Soak, 'stepIndex'>): number {
  const ramp = policy.steps.slice(0, soak.stepIndex).findLast((step) => step.kind === 'ramp');
  return ramp?.kind === 'ramp' ? ramp.weightPct : 0;
}
