import type { Flags } from './flag-registry.js';

/** Backups of the critical files, each with a manifest of SHA-256 digests. */
export interface BackupStore {
  /**
   * Takes the backup of `takenAt` (again, if a retried job asks twice: same folder, same files). Gives
   * its workspace directory, how many files it holds, and the SHA-256 (hex) of its manifest as written.
   */
  take(
    phase: string,
    files: readonly string[],
    takenAt: Date,
  ): Promise<{ dir: string; files: number; sha256: string }>;
  /** Every backup directory under `artifacts/mec/<phase>/backups/`, of every phase, sorted; none when none. */
  list(): Promise<string[]>;
  /** Recomputes every backed-up file's digest against the manifest; lists what does not match. */
  verify(dir: string): Promise<{ ok: boolean; problems: string[] }>;
  /** The registry's flags as the backup holds them. */
  registryFlags(dir: string): Promise<Flags>;
}
