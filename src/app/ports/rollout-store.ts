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

/** The hash-chained ledger. `seq` and `prevHash` are assigned by the store, never by the caller. */
export interface Ledger {
  append(body: LedgerBody): Promise<LedgerEntry>;
  /** Entries with `fromSeq <= seq`, in order; all of them by default. */
  read(fromSeq?: number): Promise<LedgerEntry[]>;
  /** The last entry's seq and hash; seq 0 and the genesis hash when empty. */
  head(): Promise<{ seq: number; hash: string }>;
}

/**
 * The registry root the bot last wrote, so that a hand edit shows as a different root. One writer at a
 * time holds a lease, named by a token of its own. The root about to be written stays pending until
 * confirmed, so a crash between writing the file and confirming it is recognised, not taken for
 * tampering. Confirming, and recovering, append their ledger entry in the same atomic step.
 */
export interface RegistryRootRecord {
  get(): Promise<{ root: string | null; pendingRoot: string | null; leased: boolean }>;
  /**
   * Takes the lease for `token` and notes `nextRoot` as pending, if the confirmed root is still
   * `expectedRoot` and no writer holds the lease. False otherwise.
   */
  begin(expectedRoot: string | null, nextRoot: string, token: string): Promise<boolean>;
  /** If `token` still holds the lease: records `root`, appends `entry`, releases. False if the lease was lost. */
  confirm(root: string, token: string, entry: LedgerBody): Promise<boolean>;
  /** With no lease held and `root` pending: records it and appends `entry`. False otherwise. */
  recover(root: string, entry: LedgerBody): Promise<boolean>;
  /** Gives the lease up after a failed write, if `token` still holds it. */
  release(token: string): Promise<void>;
}
