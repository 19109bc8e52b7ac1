/** The feature flags as the registry holds them, by key. */
export type Flags = Record<string, unknown>;

export interface RegistryContent {
  flags: Flags;
  /** The registry's Merkle root (RFC 6962, hex). */
  root: string;
}

/** One file of the snapshot folder, as it is now. */
export interface RegistrySnapshot {
  /** Its workspace path. */
  path: string;
  /** The root its file name carries, or undefined when the name carries none. */
  nameRoot: string | undefined;
  /** The root and flags it holds, or why it cannot be read as a snapshot. */
  content: { root: unknown; flags: Flags } | { problem: string };
}

/** The feature registry the bot governs. Every write leaves a snapshot of what it wrote behind it. */
export interface FlagRegistry {
  /** Where the registry lives, for messages. */
  readonly path: string;
  read(): Promise<RegistryContent>;
  /** Writes the flags and their snapshot; returns the new root and where the snapshot went. */
  write(flags: Flags, now: Date): Promise<{ root: string; snapshot: string }>;
  /** The snapshots of `root`, with the flags each holds; none when there are none. */
  snapshotsOf(root: string): Promise<Array<{ path: string; flags: Flags }>>;
  /** Every file of the snapshot folder, in name order, read one at a time; none when there is no folder. */
  snapshots(): AsyncIterable<RegistrySnapshot>;
}
