import type { CommitResult, RolloutStore, StoredRollout } from '../../app/ports/rollout-store.js';
import type { LedgerBody } from '../../domain/ledger-entry.js';
import type { RolloutState } from '../../domain/rollout-state.js';
import type { MemoryLedger } from './memory-ledger.js';

export class MemoryRolloutStore implements RolloutStore {
  readonly #rollouts = new Map<string, StoredRollout>();
  readonly #ledger: MemoryLedger;

  constructor(ledger: MemoryLedger) {
    this.#ledger = ledger;
  }

  async load(phase: string): Promise<StoredRollout> {
    return structuredClone(this.#rollouts.get(phase) ?? { state: null, version: 0 });
  }

  async commit(
    phase: string,
    expectedVersion: number,
    next: RolloutState | null,
    body: LedgerBody,
  ): Promise<CommitResult> {
    const current = this.#rollouts.get(phase) ?? { state: null, version: 0 };
    if (current.version !== expectedVersion) return { status: 'conflict', version: current.version };
    const version = next ? current.version + 1 : current.version;
    if (next) this.#rollouts.set(phase, { state: structuredClone(next), version });
    return { status: 'committed', version, entry: this.#ledger.appendNow(body) };
  }
}
