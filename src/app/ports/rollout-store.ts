import type { LedgerBody, LedgerEntry } from '../../domain/ledger-entry.js';
import type { RolloutState } from '../../domain/rollout-state.js';

/** A rollout as stored, with the version that optimistic concurrency checks. Version 0: never written. */
export interface StoredRollout {
  state: RolloutState | null;
  version: number;
}

export type CommitResult =
  | { status: 'committed'; version: number; entry: LedgerEntry }
  | { status: 'conflict'; version: number };

/** Where rollouts live. A commit stores the state and its ledger entry together, or neither. */
export interface RolloutStore {
  load(phase: string): Promise<StoredRollout>;
  /**
   * If the rollout is still at `expectedVersion`, stores `next` (unless null, for a refusal that
   * changes nothing) and appends `body` to the ledger, all at once. Otherwise changes nothing.
   */
  commit(
    phase: string,
    expectedVersion: number,
    next: RolloutState | null,
    body: LedgerBody,
  ): Promise<CommitResult>;
}
