/** The feature flags as the registry holds them, by key. */
export type Flags = Record<string, unknown>;

export interface RegistryContent {
  flags: Flags;
  /** The registry's Merkle root (RFC 6962, hex). */
  root: string;
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
}
