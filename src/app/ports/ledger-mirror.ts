/** The human-readable copy of the ledger, kept outside Redis. */
export interface LedgerMirror {
  /** Where the mirror lives, for messages. */
  readonly path: string;
  /** The `(seq, hash)` of every entry the mirror holds, in order, or undefined when it is not written yet. */
  entries(): Promise<Array<{ seq: number; hash: string }> | undefined>;
  /** The last entry the mirror holds, or undefined when it holds none or is not written yet. */
  head(): Promise<{ seq: number; hash: string } | undefined>;
}
