import type { TrafficChange, TrafficController } from '../../app/ports/traffic-controller.js';
import { MecError } from '../../domain/errors.js';

/** What a flag system is told: the weight, and the rollout it is for. */
export interface ServedChange {
  phase: string;
  rolloutId: string;
  weightPct: number;
}

/**
 * An external flag system in memory, for tests: it serves the last weight it was set to and records
 * each change of weight; the same weight twice is one change. `fail` stands in for a flag system that
 * cannot be reached: every `setWeight` then rejects, and nothing changes, until `recover`.
 */
export class MemoryTrafficController implements TrafficController {
  /** Each change, in order; a weight set again while served is not listed again. */
  readonly changes: ServedChange[] = [];
  /** Everything it was told while reachable, in order, repeats included. */
  readonly told: ServedChange[] = [];
  #failure: string | undefined;

  /** The weight served now, in percent; undefined until the first change. */
  get servedPct(): number | undefined {
    return this.changes.at(-1)?.weightPct;
  }

  /** Makes every `setWeight` reject with `reason` until `recover` is called. */
  fail(reason: string): void {
    this.#failure = reason;
  }

  recover(): void {
    this.#failure = undefined;
  }

  async setWeight(change: TrafficChange): Promise<void> {
    if (this.#failure !== undefined)
      throw new MecError('traffic_controller_failed', `the flag system is unreachable: ${this.#failure}`);
    const said = { phase: change.phase, rolloutId: change.rolloutId, weightPct: change.weightPct };
    this.told.push(said);
    if (change.weightPct === this.servedPct) return;
    this.changes.push({ ...said });
  }
}
