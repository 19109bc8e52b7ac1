import type { Effect } from '../domain/effect.js';
import type { RolloutState } from '../domain/rollout-state.js';
import type { Logger } from '../infra/logger.js';
import type { EffectRunner } from './rollout-context.js';

/**
 * Notes the effects a transition asks for in the log. It stands in for the job workers, which carry
 * them out; until they run, a rollout waits at its first check.
 */
export class LoggedEffects implements EffectRunner {
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  async run(phase: string, state: RolloutState, effects: readonly Effect[]): Promise<void> {
    for (const effect of effects) {
      this.#logger.warn(
        { phase, rolloutId: state.rolloutId, effect: effect.kind },
        'no job worker carries out this effect yet',
      );
    }
  }
}
