import type { LedgerBody, LedgerEntry } from '../../domain/ledger-entry.js';
import type { RolloutState } from '../../domain/rollout-state.js';
import type { OutboxWork } from './outbox.js';

/** A rollout as stored, with the version that optimistic concurrency checks. Version 0: never written. */
export interface StoredRollout {
  state: RolloutState | null;
  version: number;
}

export type CommitResult =
  | { status: 'committed'; version: number; entry: LedgerEntry }
  | { status: 'conflict'; version: number }
  /** The outbox item the commit was to carry out is gone: another process carried it out already. */
  | { status: 'consumed'; version: number };

/** What a commit does to the outbox, in the same atomic step. */
export interface OutboxWrite {
  /** Work to record as pending, under the commit's ledger seq. */
  record?: OutboxWork;
  /** The id of the pending item this commit carries out: removed with it, and nothing is committed if it is gone. */
  consumes?: string;
}

/** Where rollouts live. A commit stores the state and its ledger entry together, or neither. */
export interface RolloutStore {
  load(phase: string): Promise<StoredRollout>;
  /**
   * If the rollout is still at `expectedVersion`, stores `next` (unless null, for a refusal that
   * changes nothing), appends `body` to the ledger and writes `outbox`, all at once. Otherwise changes
   * nothing.
   */
  commit(
    phase: string,
    expectedVersion: number,
    next: RolloutState | null,
    body: LedgerBody,
    outbox?: OutboxWrite,
  ): Promise<CommitResult>;
}
