import type { LedgerEntry } from '../../domain/ledger-entry.js';

/**
 * The hash-chained ledger, as the use cases read it. Nothing appends through this port: every entry is
 * written by a store's commit, in the same atomic step as the change it records.
 */
export interface Ledger {
  /** Entries with `fromSeq <= seq <= toSeq`, in order; all of them by default. */
  read(fromSeq?: number, toSeq?: number): Promise<LedgerEntry[]>;
  /**
   * The stored text of entries `fromSeq <= seq <= toSeq` (see `domain/stored-entry.ts`), in order, a
   * page at a time: for reading a ledger of any length in flat memory.
   */
  stream(fromSeq?: number, toSeq?: number): AsyncIterable<string>;
  /**
   * The same texts as `stream`, a page at a time: one await per page rather than one per entry,
   * which is most of what reading a million entries costs.
   */
  pages(fromSeq?: number, toSeq?: number): AsyncIterable<readonly string[]>;
  /** The last entry's seq and hash; seq 0 and the genesis hash when empty. */
  head(): Promise<{ seq: number; hash: string }>;
}
