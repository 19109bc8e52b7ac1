import { expect } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import type { Decision } from '../../src/domain/decision.js';
import type { RolloutPolicy } from '../../src/domain/policy.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { CheckName, RolloutState } from '../../src/domain/rollout-state.js';

export const U_GOV = 'U_GOV';
export const U_SRE = 'U_SRE';
export const U_SEC = 'U_SEC';
export const U_PO = 'U_PO';
export const U_RM = 'U_RM';
export const U_SRE2 = 'U_SRE2';
export const U_OUT = 'U_OUTSIDER';
export const ROOT_A = 'a'.repeat(64);
export const ROOT_B = 'b'.repeat(64);
export const T0 = new Date('2025-10-21T13:00:00.000Z');

const MINUTE = 60_000;

/** The seed's M6 plan: 5 -> 25 -> 60 -> 100 with a 15-minute soak at each step, a 30-minute smoke. */
export const POLICY: RolloutPolicy = {
  phase: 'M6',
  roles: [
    { id: 'governance_lead', name: 'Governance Lead', userIds: [U_GOV] },
    { id: 'sre_oncall', name: 'SRE On-Call', userIds: [U_SRE, U_SRE2] },
    { id: 'security_officer', name: 'Security Officer', userIds: [U_SEC] },
    { id: 'product_owner', name: 'Product Owner', userIds: [U_PO] },
    { id: 'release_manager', name: 'Release Manager', userIds: [U_RM] },
  ],
  permissions: {
    start: ['release_manager'],
    run_check: ['release_manager'],
    ramp: ['release_manager'],
    pause: ['release_manager', 'sre_oncall'],
    resume: ['release_manager', 'sre_oncall'],
    rollback: ['release_manager', 'sre_oncall'],
    abort: ['release_manager'],
    override: ['governance_lead'],
  },
  approverRoleIds: ['governance_lead', 'sre_oncall', 'security_officer', 'product_owner'],
  goNoGoRoleIds: ['governance_lead', 'sre_oncall'],
  allowSelfApproval: false,
  approvalTtlMs: 24 * 60 * MINUTE,
  smokeMs: 30 * MINUTE,
  steps: [
    { kind: 'ramp', weightPct: 5 },
    { kind: 'soak', soakMs: 15 * MINUTE },
    { kind: 'ramp', weightPct: 25 },
    { kind: 'soak', soakMs: 15 * MINUTE },
    { kind: 'ramp', weightPct: 60 },
    { kind: 'soak', soakMs: 15 * MINUTE },
    { kind: 'ramp', weightPct: 100 },
    { kind: 'soak', soakMs: 15 * MINUTE },
  ],
  autoAdvance: false,
};

export const minutes = (count: number) => new Date(T0.getTime() + count * MINUTE);

/** An event, or a job report built from the state it reports on (it must echo the attempt id). */
export type Step = RolloutEvent | ((state: RolloutState) => RolloutEvent);

export function resolveStep(state: RolloutState | null, step: Step): RolloutEvent {
  if (typeof step !== 'function') return step;
  if (!state) throw new Error('a job report needs a rollout to report on');
  return step(state);
}

/** decide() for a step that may be a job report built from the state. */
export function decideStep(state: RolloutState | null, step: Step, now: Date): Decision {
  return decide(state, resolveStep(state, step), now);
}

export const checkDone =
  (check: CheckName, passed = true, summary = 'ok'): Step =>
  (state) => ({ type: 'check_finished', check, runId: state.checks[check].runId ?? 'none', passed, summary });

export const trafficDone =
  (weightPct: number): Step =>
  (state) => ({ type: 'traffic_applied', weightPct, rampId: state.pendingRamp?.rampId ?? 'none' });

export const soakDone =
  (breached = false, summary = 'clean'): Step =>
  (state) => ({ type: 'soak_finished', soakId: state.soak?.soakId ?? 'none', breached, summary });

export const rollbackDone =
  (summary = 'registry restored'): Step =>
  (state) => ({ type: 'rollback_finished', rollbackId: state.rollback?.rollbackId ?? 'none', summary });

/** Applies steps in order, each at its own instant, and insists that every one is applied. */
export function applyAll(
  state: RolloutState | null,
  steps: ReadonlyArray<readonly [Step, Date]>,
): RolloutState {
  let current = state;
  for (const [step, now] of steps) {
    const event = resolveStep(current, step);
    const decision = decide(current, event, now);
    expect(decision, `${event.type} at ${now.toISOString()}: ${decision.message}`).toMatchObject({
      outcome: 'applied',
    });
    current = decision.state;
  }
  if (!current) throw new Error('no state after applying events');
  return current;
}

export function expectRefused(decision: Decision, reason: string): void {
  expect(decision.outcome, decision.message).toBe('refused');
  expect(decision.reason).toBe(reason);
}

export const startEvent = (policy: RolloutPolicy = POLICY): RolloutEvent => ({
  type: 'start',
  actor: U_RM,
  rolloutId: 'R1',
  policy,
});

/** A rollout whose pre-flight, backup, rehearsal and smoke passed at T0+31m. */
export function smokedState(policy: RolloutPolicy = POLICY): RolloutState {
  return applyAll(null, [
    [startEvent(policy), T0],
    [checkDone('preflight', true, 'all checks passed'), minutes(0.5)],
    [checkDone('backup', true, 'snapshot taken'), minutes(0.6)],
    [checkDone('rehearsal', true, 'restore would work'), minutes(0.7)],
    [checkDone('smoke', true, 'no alarm'), minutes(31)],
  ]);
}

/** A rollout ready for its first ramp at T0+35m: smoked, joint go, four approvals on ROOT_A. */
export function readyState(policy: RolloutPolicy = POLICY): RolloutState {
  return applyAll(smokedState(policy), [
    [{ type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true }, minutes(32)],
    [{ type: 'go_no_go', actor: U_SRE, roleId: 'sre_oncall', go: true }, minutes(32)],
    ...approvals(ROOT_A, minutes(33)),
  ]);
}

export function approvals(artifactRoot: string, at: Date): Array<readonly [Step, Date]> {
  return [
    [{ type: 'approve', actor: U_GOV, roleId: 'governance_lead', artifactRoot }, at],
    [{ type: 'approve', actor: U_SRE, roleId: 'sre_oncall', artifactRoot }, at],
    [{ type: 'approve', actor: U_SEC, roleId: 'security_officer', artifactRoot }, at],
    [{ type: 'approve', actor: U_PO, roleId: 'product_owner', artifactRoot }, at],
  ];
}

export const rampEvent = (weightPct: number, artifactRoot = ROOT_A, actor = U_RM): RolloutEvent => ({
  type: 'ramp',
  actor,
  weightPct,
  artifactRoot,
});

/** A BLOCKER alarm firing, as Alertmanager or a soak reports it. */
export const BLOCKER_ALARM: RolloutEvent = {
  type: 'alarm',
  alarm: 'latency_slo_drop',
  severity: 'BLOCKER',
  firing: true,
  summary: 'attainment dropped 4.2% > 3% over 5m',
};

/** A rollout live at 25%: the 5% step soaked clean, then traffic moved to 25% at T0+56m. */
export const liveAt25 = (): RolloutState =>
  applyAll(readyState(), [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
    [soakDone(false, 'clean'), minutes(55)],
    [rampEvent(25), minutes(56)],
    [trafficDone(25), minutes(56)],
  ]);

/** The whole plan run through: 5, 25, 60 and 100%, each soak clean. */
export function completeState(): RolloutState {
  let state = readyState();
  let at = 40;
  for (const weightPct of [5, 25, 60, 100]) {
    state = applyAll(state, [
      [rampEvent(weightPct), minutes(at)],
      [trafficDone(weightPct), minutes(at)],
      [soakDone(), minutes(at + 15)],
    ]);
    at += 16;
  }
  return state;
}
