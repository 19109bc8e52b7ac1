import type { LedgerBody, LedgerEntry } from '../domain/ledger-entry.js';
import type { RolloutState } from '../domain/rollout-state.js';

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

/** The hash-chained ledger. `seq` and `prevHash` are assigned by the store, never by the caller. */
export interface Ledger {
  append(body: LedgerBody): Promise<LedgerEntry>;
  /** Entries with `fromSeq <= seq`, in order; all of them by default. */
  read(fromSeq?: number): Promise<LedgerEntry[]>;
  /** The last entry's seq and hash; seq 0 and the genesis hash when empty. */
  head(): Promise<{ seq: number; hash: string }>;
}

/** The registry root the bot last wrote, so that a hand edit shows as a different root. */
export interface RegistryRootRecord {
  /** Root the bot last wrote and confirmed, and a root it was about to write (crash recovery). */
  get(): Promise<{ root: string | null; pendingRoot: string | null }>;
  /** Claims the next write: succeeds only if the recorded root is still `expectedRoot`. */
  begin(expectedRoot: string | null, nextRoot: string): Promise<boolean>;
  /** Confirms that `root` is on disk. */
  confirm(root: string): Promise<void>;
}
