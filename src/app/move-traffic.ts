import { canonicalJson } from '../domain/canonical-json.js';
import { MecError } from '../domain/errors.js';
import { flagValueFor, type TrafficChange, type TrafficController } from './ports/traffic-controller.js';
import { type RegistryDeps, writeFlag } from './registry-guard.js';

/** Moves traffic by writing `meta_prod` in the feature registry, through the registry guard. */
export class FileTrafficController implements TrafficController {
  readonly #deps: RegistryDeps;
  readonly #flag: string;

  constructor(deps: RegistryDeps, flag: string) {
    this.#deps = deps;
    this.#flag = flag;
  }

  async setWeight(change: TrafficChange): Promise<{ changed: boolean }> {
    const value = flagValueFor(change.weightPct);
    const { flags } = await this.#deps.registry.read();
    if (canonicalJson(flags[this.#flag] ?? null) === canonicalJson(value)) return { changed: false };
    const result = await writeFlag(this.#deps, {
      phase: change.phase,
      rolloutId: change.rolloutId,
      actor: change.actor,
      key: this.#flag,
      value,
    });
    if (result.status !== 'written') {
      throw new MecError(
        'registry_write_failed',
        `could not write ${this.#flag}: the registry is ${result.status === 'tampered' ? 'edited by hand' : result.status}; the traffic job retries, and a hand edit opens the registry_tampered gate`,
      );
    }
    return { changed: true };
  }
}
