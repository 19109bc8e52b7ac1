/**
 * The signed checkpoints, kept outside Redis: appended to a file in the release workspace, which teams
 * keep under version control. Each note is a C2SP signed note (see `domain/checkpoint-note.ts`).
 */
export interface CheckpointLog {
  /** Where the checkpoints live, relative to the workspace, for messages. */
  readonly path: string;
  /** The newest complete note, or undefined when there is none. */
  latest(): Promise<string | undefined>;
  /** Appends one note durably; a torn note a crash left at the end is cut off first. */
  append(note: string): Promise<void>;
  /**
   * Every note in file order, read a little at a time, in the first `uptoBytes` bytes when given. A
   * torn last note is yielded as `{ torn }` so verify can name it.
   */
  notes(uptoBytes?: number): AsyncIterable<{ note: string } | { torn: string }>;
  /** The file's length in bytes now (0 when there is none): read before the ledger head, it bounds `notes`. */
  size(): Promise<number>;
}
