import type { LedgerEntry } from '../../domain/ledger-entry.js';

/** A ledger to audit: its stored entries in order, the head its store records, its checkpoints. */
export interface LedgerSource {
  /** The stored entries in order, a page at a time. */
  pages: AsyncIterable<readonly string[]>;
  /** The entry count and last hash the store records; the entries must end exactly there. */
  head: { seq: number; hash: string };
  /** The stored checkpoint notes, read afresh on each call. */
  checkpoints: () => AsyncIterable<{ note: string } | { torn: string }>;
}

/** Sees every entry the audit walks, parsed, in order; verify's other checks are built on it. */
export interface EntryObserver {
  observe(entry: LedgerEntry): void | Promise<void>;
}
