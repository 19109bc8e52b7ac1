import type { LedgerEntry } from '../../domain/ledger-entry.js';

/** What comparing the next entry with the mirror found. */
export type MirrorMatch =
  /** The mirror shows the entry exactly as it renders. */
  | 'same'
  /** The mirror ends before this entry. */
  | 'ended'
  /** The mirror's text here is not the entry's. */
  | 'differs'
  /** There is no mirror file. */
  | 'missing';

/** Compares the mirror with the ledger's entries, given in order from the first, in flat memory. */
export interface MirrorReader {
  /** Resolves at once when the file read so far holds the entry; a promise only when it must read on. */
  next(entry: LedgerEntry): MirrorMatch | Promise<MirrorMatch>;
  /** How many bytes the mirror holds after the entries compared so far. */
  rest(): Promise<number>;
}

/** The human-readable copy of the ledger, kept outside Redis and written by the bot. */
export interface LedgerMirror {
  /** Where the mirror lives, relative to the workspace, for messages. */
  readonly path: string;
  /** The last entry the mirror holds, or undefined when it holds none or is not written yet. */
  head(): Promise<{ seq: number; hash: string } | undefined>;
  /** Appends the entries right after `head()`, durably. */
  append(entries: readonly LedgerEntry[]): Promise<void>;
  /** Rewrites the whole mirror from `entries`, atomically; resolves to how many it wrote. */
  rebuild(entries: AsyncIterable<LedgerEntry>): Promise<number>;
  /** Compares with the first `uptoBytes` bytes of the mirror when given, else all of it. */
  reader(uptoBytes?: number): MirrorReader;
  /** The file's length in bytes now (0 when there is none). */
  size(): Promise<number>;
}
