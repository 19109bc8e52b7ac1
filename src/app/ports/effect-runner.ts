import type { RunnerEffect } from '../../domain/effect.js';
import type { RolloutState } from '../../domain/rollout-state.js';

/** Carries out the effects that need work beyond Slack (checks, traffic, soaks, rollbacks). */
export interface EffectRunner {
  run(phase: string, state: RolloutState, effects: readonly RunnerEffect[]): Promise<void>;
}
