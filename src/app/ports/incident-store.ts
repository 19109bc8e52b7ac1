import type { Incident } from '../../domain/incident.js';
import type { LedgerBody } from '../../domain/ledger-entry.js';
import type { CommitResult } from './rollout-store.js';

/** An incident as stored, with the version that optimistic concurrency checks. Version 0: never written. */
export interface StoredIncident {
  incident: Incident | null;
  version: number;
}

/**
 * Where incidents live, and which alert deliveries were already acted on. A commit stores the incident
 * and its ledger entry together, or neither.
 */
export interface IncidentStore {
  load(id: string): Promise<StoredIncident>;
  /**
   * If incident `id` is still at `expectedVersion`, stores `next` (unless null, for a decision that
   * changes nothing) and appends `body` to the ledger, all at once. Otherwise changes nothing. A new
   * incident is put first in `recent`; one with a rollback can be found by it from then on.
   */
  commit(id: string, expectedVersion: number, next: Incident | null, body: LedgerBody): Promise<CommitResult>;
  /** The newest incidents first, at most `limit` (default 50) of them. */
  recent(limit?: number): Promise<Incident[]>;
  /** The id of the incident that started rollback `rollbackId`. */
  ofRollback(rollbackId: string): Promise<string | undefined>;
  /** Whether an alert delivery was already acted on: Alertmanager's re-sends of it are no-ops. */
  seen(deliveryKey: string): Promise<boolean>;
  /** Notes a delivery as acted on (for a week, in Redis). */
  markSeen(deliveryKey: string): Promise<void>;
}
