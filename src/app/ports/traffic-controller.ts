/** Who asked for a traffic change, for the ledger. */
export interface TrafficChange {
  phase: string;
  rolloutId: string;
  actor: string;
  weightPct: number;
}

/**
 * An external flag system that serves the weight beside the feature registry. Told the same weight
 * twice (a job retried after a crash), it must count it as one change. Once `signal` aborts (the traffic
 * lock was lost), the call gives up waiting and rejects.
 */
export interface TrafficController {
  setWeight(change: TrafficChange, signal?: AbortSignal): Promise<void>;
}
