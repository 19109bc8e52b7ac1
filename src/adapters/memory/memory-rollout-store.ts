import type { Outbox, OutboxItem } from '../../app/ports/outbox.js';
import type {
  CommitResult,
  OutboxWrite,
  RolloutStore,
  StoredRollout,
} from '../../app/ports/rollout-store.js';
import type { LedgerBody } from '../../domain/ledger-entry.js';
import type { RolloutState } from '../../domain/rollout-state.js';
import type { MemoryLedger } from './memory-ledger.js';

export class MemoryRolloutStore implements RolloutStore, Outbox {
  readonly #rollouts = new Map<string, StoredRollout>();
  readonly #outbox = new Map<string, OutboxItem>();
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
    outbox: OutboxWrite = {},
  ): Promise<CommitResult> {
    const current = this.#rollouts.get(phase) ?? { state: null, version: 0 };
    if (outbox.consumes !== undefined && !this.#outbox.has(outbox.consumes))
      return { status: 'consumed', version: current.version };
    if (current.version !== expectedVersion) return { status: 'conflict', version: current.version };
    const version = next ? current.version + 1 : current.version;
    if (next) this.#rollouts.set(phase, { state: structuredClone(next), version });
    const entry = this.#ledger.appendNow(body);
    if (outbox.consumes !== undefined) this.#outbox.delete(outbox.consumes);
    if (outbox.record) {
      const id = String(entry.seq);
      this.#outbox.set(id, structuredClone({ id, version, entry, work: outbox.record }));
    }
    return { status: 'committed', version, entry };
  }

  async pending(): Promise<OutboxItem[]> {
    return structuredClone([...this.#outbox.values()].sort((a, b) => a.entry.seq - b.entry.seq));
  }

  async done(id: string): Promise<void> {
    this.#outbox.delete(id);
  }
}
