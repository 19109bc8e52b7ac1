import type { CheckName } from './rollout-state.js';

/**
 * Work a transition asks for. decide() only names it; adapters carry it out after the new state is
 * stored, and report back with a SystemEvent. Every applied transition also re-renders the rollout,
 * which is not listed here.
 */
export type Effect =
  | { kind: 'run_check'; check: CheckName; runId: string }
  | { kind: 'set_traffic'; weightPct: number; rampId: string }
  | { kind: 'end_soak_at'; soakId: string; endsAt: string }
  | { kind: 'roll_back'; fromPct: number; reason: string; rollbackId: string }
  | { kind: 'request_ramp'; weightPct: number }
  | { kind: 'post_card'; card: 'go_no_go' | 'approvals' }
  | { kind: 'certify' };

/** The effects an effect runner carries out: all but the cards (the publisher's) and the auto-ramp. */
export type RunnerEffect = Exclude<Effect, { kind: 'post_card' | 'request_ramp' }>;

export const isRunnerEffect = (effect: Effect): effect is RunnerEffect =>
  effect.kind !== 'post_card' && effect.kind !== 'request_ramp';
