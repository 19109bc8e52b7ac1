/** Who asked for a traffic change, for the ledger. */
export interface TrafficChange {
  phase: string;
  rolloutId: string;
  actor: string;
  weightPct: number;
}

/**
 * Sets the weight `meta_prod` serves. Idempotent: setting the weight it already has changes nothing and
 * records nothing, so a job re-run after a crash does not move traffic twice.
 */
export interface TrafficController {
  setWeight(change: TrafficChange): Promise<{ changed: boolean }>;
}

/** The value of `meta_prod` for a weight: shadow at 0, ramping in between, enabled at 100. */
export function flagValueFor(weightPct: number) {
  return { mode: weightPct === 0 ? 'shadow' : weightPct === 100 ? 'enabled' : 'ramp', weightPct };
}
