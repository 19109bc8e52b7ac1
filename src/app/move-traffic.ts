import { canonicalJson } from '../domain/canonical-json.js';
import { MecError } from '../domain/errors.js';
import { flagValueFor } from '../domain/flag-value.js';
import type { TrafficChange, TrafficController } from './ports/traffic-controller.js';
import { type RegistryDeps, writeFlag } from './registry-guard.js';

export interface TrafficDeps extends RegistryDeps {
  /** The registry flag that carries the weight (`meta_prod`). */
  flag: string;
  /** An external flag system told after the registry, when one is configured. */
  external: TrafficController | undefined;
  /** The root of a hand edit of the registry a person overrode, which this move may write over. */
  overriddenHandEdit?: string;
}

/**
 * Moves traffic: writes the flag in the feature registry through the registry guard, then tells the
 * external flag system if there is one. Setting the weight the registry already has writes and records
 * nothing, so a job re-run after a crash moves traffic once; the external system is told again, and
 * must take the same weight twice as one change. Once `deps.signal` says the traffic lock is lost, nothing
 * more is written or told: another writer may already have moved traffic, and a late write would undo it.
 */
export async function moveTraffic(deps: TrafficDeps, change: TrafficChange): Promise<{ changed: boolean }> {
  const value = flagValueFor(change.weightPct);
  const { flags } = await deps.registry.read();
  let changed = false;
  deps.signal?.throwIfAborted();
  if (canonicalJson(flags[deps.flag] ?? null) !== canonicalJson(value)) {
    const result = await writeFlag(deps, {
      phase: change.phase,
      rolloutId: change.rolloutId,
      actor: change.actor,
      key: deps.flag,
      value,
      ...(deps.overriddenHandEdit ? { overriddenHandEdit: deps.overriddenHandEdit } : {}),
    });
    if (result.status !== 'written') {
      throw new MecError(
        'registry_write_failed',
        `could not write ${deps.flag}: the registry is ${result.status === 'tampered' ? 'edited by hand' : result.status}; the traffic job retries, and a hand edit opens the registry_tampered gate`,
      );
    }
    changed = true;
  }
  deps.signal?.throwIfAborted();
  await deps.external?.setWeight(change, deps.signal);
  return { changed };
}
