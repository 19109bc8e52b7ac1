import type { EffectRunner } from '../../app/ports/effect-runner.js';
import type { RunnerEffect } from '../../domain/effect.js';
import type { RolloutState } from '../../domain/rollout-state.js';

/** One unit of work the runner took on: the effect, the rollout and attempt it is for, whether it goes first. */
export interface RecordedWork {
  phase: string;
  rolloutId: string;
  /** The effect's run, ramp, soak or rollback id; the rollout's id for certify. */
  attemptId: string;
  effect: RunnerEffect;
  /** True for a rollback, which goes before any other work waiting. */
  first: boolean;
}

/**
 * Carries effects out by recording them, for tests: one unit of work per effect, known by the attempt
 * id the effect carries (its run, ramp, soak or rollback id; the rollout's id for certify), so the same
 * effects run twice add nothing new. Nothing is ever done: a test reads `work` and reports back itself.
 */
export class MemoryEffectRunner implements EffectRunner {
  /** The work taken on, in the order it was asked for. */
  readonly work: RecordedWork[] = [];
  readonly #taken = new Set<string>();

  async run(phase: string, state: RolloutState, effects: readonly RunnerEffect[]): Promise<void> {
    for (const effect of effects) {
      const attemptId = attemptIdOf(state.rolloutId, effect);
      const key = `${effect.kind === 'run_check' ? effect.check : effect.kind}:${attemptId}`;
      if (this.#taken.has(key)) continue;
      this.#taken.add(key);
      const first = effect.kind === 'roll_back';
      this.work.push({
        phase,
        rolloutId: state.rolloutId,
        attemptId,
        effect: structuredClone(effect),
        first,
      });
    }
  }
}

function attemptIdOf(rolloutId: string, effect: RunnerEffect): string {
  switch (effect.kind) {
    case 'run_check':
      return effect.runId;
    case 'set_traffic':
      return effect.rampId;
    case 'end_soak_at':
      return effect.soakId;
    case 'roll_back':
      return effect.rollbackId;
    case 'certify':
      return rolloutId;
  }
}
