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

/**
 * The registry root the bot last wrote, so that a hand edit shows as a different root. Writes are
 * serialised by a lease, and the root about to be written is kept until confirmed, so a crash
 * between writing the file and confirming it is recognised, not mistaken for tampering.
 */
export interface RegistryRootRecord {
  get(): Promise<{ root: string | null; pendingRoot: string | null }>;
  /**
   * Takes the writer lease and notes `nextRoot` as pending, if the confirmed root is still
   * `expectedRoot` and no other writer holds the lease. False otherwise.
   */
  begin(expectedRoot: string | null, nextRoot: string): Promise<boolean>;
  /** Records `root` as written and releases the lease. */
  confirm(root: string): Promise<void>;
  /** Releases the lease after a write that failed. */
  release(): Promise<void>;
}
