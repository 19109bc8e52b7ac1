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
  /**
   * Claims an alert delivery for `owner` (the job acting on it) before it is acted on, in one atomic
   * step: true when `owner` holds it, false when another owner holds it or it was acted on already (a
   * re-send, or a concurrent copy). An owner gets its own claim again: the retry of a job whose worker
   * died takes up what that worker left.
   */
  claimDelivery(deliveryKey: string, owner: string): Promise<boolean>;
  /** Keeps a claimed delivery as acted on (for the retention period, in Redis): re-sends are duplicates. */
  keepDelivery(deliveryKey: string): Promise<void>;
  /** Gives a claimed delivery back because acting on it failed: a re-send is then acted on. */
  releaseDelivery(deliveryKey: string): Promise<void>;
  /**
   * How many incidents of `alarm` in `phase` have resolved: the alarm's current incident is named by
   * it. The commit that resolves an incident moves it on, once.
   */
  episodeOf(phase: string, alarm: string): Promise<number>;
}
