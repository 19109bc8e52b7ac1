/** One record of the cosignature log, as read back. */
export type StoredCosignature =
  /** A whole cosigned checkpoint: its text, a blank line, our signature line and the witness's lines. */
  | { kind: 'note'; note: string; line: number }
  /**
   * Text that is not a whole record, such as the tail of an append cut short by a crash. `line` is the
   * 1-based line where it starts; it is reported, never repaired.
   */
  | { kind: 'torn'; text: string; line: number };

/** The checkpoints a witness cosigned, kept in the workspace beside the ledger mirror. */
export interface CosignatureLog {
  /** Where the log lives, for messages. */
  readonly path: string;
  /** Appends one cosigned note durably: it is on disk once this resolves. */
  append(note: string): Promise<void>;
  /** Every record, oldest first, read a piece at a time. */
  read(): AsyncIterable<StoredCosignature>;
}
