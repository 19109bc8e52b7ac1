import type { IncidentStore, StoredIncident } from '../../app/ports/incident-store.js';
import type { CommitResult } from '../../app/ports/rollout-store.js';
import type { Incident } from '../../domain/incident.js';
import type { LedgerBody } from '../../domain/ledger-entry.js';
import type { MemoryLedger } from './memory-ledger.js';

const RECENT_KEPT = 500;
/** What a delivery acted on is held by: no owner's claim matches it. */
const KEPT = Symbol('kept');

/**
 * Incidents in one process's memory: for use-case tests and the contract suite's reference. Nothing
 * expires: a process's life is shorter than any retention period.
 */
export class MemoryIncidentStore implements IncidentStore {
  readonly #incidents = new Map<string, StoredIncident>();
  readonly #recent: string[] = [];
  readonly #ofRollback = new Map<string, string>();
  /** Each delivery's owner while it is claimed, or KEPT once it was acted on. */
  readonly #deliveries = new Map<string, string | typeof KEPT>();
  readonly #episodes = new Map<string, number>();
  readonly #ledger: MemoryLedger;

  constructor(ledger: MemoryLedger) {
    this.#ledger = ledger;
  }

  async load(id: string): Promise<StoredIncident> {
    return structuredClone(this.#incidents.get(id) ?? { incident: null, version: 0 });
  }

  async commit(
    id: string,
    expectedVersion: number,
    next: Incident | null,
    body: LedgerBody,
  ): Promise<CommitResult> {
    const current = this.#incidents.get(id) ?? { incident: null, version: 0 };
    if (current.version !== expectedVersion) return { status: 'conflict', version: current.version };
    const version = next ? current.version + 1 : current.version;
    if (next) {
      this.#incidents.set(id, { incident: structuredClone(next), version });
      if (version === 1) {
        this.#recent.unshift(id);
        this.#recent.length = Math.min(this.#recent.length, RECENT_KEPT);
      }
      if (next.rollbackId) this.#ofRollback.set(next.rollbackId, id);
      if (next.resolvedAt && !current.incident?.resolvedAt) {
        const episode = episodeKey(next.phase, next.alarm);
        this.#episodes.set(episode, (this.#episodes.get(episode) ?? 0) + 1);
      }
    }
    return { status: 'committed', version, entry: this.#ledger.appendNow(body) };
  }

  async recent(limit = 50): Promise<Incident[]> {
    return this.#recent.slice(0, limit).flatMap((id) => {
      const incident = this.#incidents.get(id)?.incident;
      return incident ? [structuredClone(incident)] : [];
    });
  }

  async ofRollback(rollbackId: string): Promise<string | undefined> {
    return this.#ofRollback.get(rollbackId);
  }

  async claimDelivery(deliveryKey: string, owner: string): Promise<boolean> {
    const held = this.#deliveries.get(deliveryKey);
    if (held !== undefined) return held === owner;
    this.#deliveries.set(deliveryKey, owner);
    return true;
  }

  async keepDelivery(deliveryKey: string): Promise<void> {
    this.#deliveries.set(deliveryKey, KEPT);
  }

  async releaseDelivery(deliveryKey: string): Promise<void> {
    this.#deliveries.delete(deliveryKey);
  }

  async episodeOf(phase: string, alarm: string): Promise<number> {
    return this.#episodes.get(episodeKey(phase, alarm)) ?? 0;
  }
}

const episodeKey = (phase: string, alarm: string) => `${phase}\n${alarm}`;
