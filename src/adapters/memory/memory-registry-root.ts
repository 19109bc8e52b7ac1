import type { RegistryRootRecord } from '../../app/ports.js';

export class MemoryRegistryRootRecord implements RegistryRootRecord {
  #root: string | null = null;
  #pendingRoot: string | null = null;
  #leased = false;

  async get(): Promise<{ root: string | null; pendingRoot: string | null }> {
    return { root: this.#root, pendingRoot: this.#pendingRoot };
  }

  async begin(expectedRoot: string | null, nextRoot: string): Promise<boolean> {
    if (this.#root !== expectedRoot || this.#leased) return false;
    this.#leased = true;
    this.#pendingRoot = nextRoot;
    return true;
  }

  async confirm(root: string): Promise<void> {
    this.#root = root;
    if (this.#pendingRoot === root) this.#pendingRoot = null;
    this.#leased = false;
  }

  async release(): Promise<void> {
    this.#leased = false;
  }
}
