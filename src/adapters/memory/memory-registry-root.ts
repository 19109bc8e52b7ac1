import type { RegistryRootRecord } from '../../app/ports/registry-root-record.js';
import type { LedgerBody } from '../../domain/ledger-entry.js';
import type { MemoryLedger } from './memory-ledger.js';

/** The registry record in memory, the reference for the contract suite. Leases do not expire here. */
export class MemoryRegistryRootRecord implements RegistryRootRecord {
  readonly #ledger: MemoryLedger;
  #root: string | null = null;
  #pendingRoot: string | null = null;
  #leaseToken: string | null = null;

  constructor(ledger: MemoryLedger) {
    this.#ledger = ledger;
  }

  async get() {
    return { root: this.#root, pendingRoot: this.#pendingRoot, leased: this.#leaseToken !== null };
  }

  async begin(expectedRoot: string | null, nextRoot: string, token: string): Promise<boolean> {
    if (this.#root !== expectedRoot || this.#leaseToken !== null) return false;
    this.#leaseToken = token;
    this.#pendingRoot = nextRoot;
    return true;
  }

  async confirm(root: string, token: string, entry: LedgerBody): Promise<boolean> {
    if (this.#leaseToken !== token) return false;
    this.#record(root, entry);
    this.#leaseToken = null;
    return true;
  }

  async recover(root: string, entry: LedgerBody): Promise<boolean> {
    if (this.#leaseToken !== null || this.#pendingRoot !== root) return false;
    this.#record(root, entry);
    return true;
  }

  async release(token: string): Promise<void> {
    if (this.#leaseToken === token) this.#leaseToken = null;
  }

  #record(root: string, entry: LedgerBody): void {
    this.#root = root;
    this.#pendingRoot = null;
    this.#ledger.appendNow(entry);
  }
}
