import type { LedgerBody } from '../../domain/ledger-entry.js';

/**
 * The registry root the bot last wrote, so that a hand edit shows as a different root. One writer at a
 * time holds a lease, named by a token of its own. The root about to be written stays pending until
 * confirmed, so a crash between writing the file and confirming it is recognised, not taken for
 * tampering. Confirming, and recovering, append their ledger entry in the same atomic step.
 */
export interface RegistryRootRecord {
  get(): Promise<{ root: string | null; pendingRoot: string | null; leased: boolean }>;
  /**
   * Takes the lease for `token` and notes `nextRoot` as pending, if the confirmed root is still
   * `expectedRoot` and no writer holds the lease. False otherwise.
   */
  begin(expectedRoot: string | null, nextRoot: string, token: string): Promise<boolean>;
  /** If `token` still holds the lease: records `root`, appends `entry`, releases. False if the lease was lost. */
  confirm(root: string, token: string, entry: LedgerBody): Promise<boolean>;
  /** With no lease held and `root` pending: records it and appends `entry`. False otherwise. */
  recover(root: string, entry: LedgerBody): Promise<boolean>;
  /** Gives the lease up after a failed write, if `token` still holds it. */
  release(token: string): Promise<void>;
}
