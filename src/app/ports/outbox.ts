import type { Decision } from '../../domain/decision.js';
import type { LedgerEntry } from '../../domain/ledger-entry.js';
import type { RolloutEvent } from '../../domain/rollout-event.js';

/** What a committed transition still has to deliver: its effects, and the news of it for people. */
export interface OutboxWork {
  phase: string;
  event: RolloutEvent;
  decision: Decision;
}

/**
 * A committed transition's work, recorded by the same commit and pending until it is delivered. `id` is
 * the ledger seq of the commit, so ids sort in ledger order.
 */
export interface OutboxItem {
  id: string;
  /** The rollout's version after the commit. */
  version: number;
  entry: LedgerEntry;
  work: OutboxWork;
}

/** The work that committed transitions have not yet handed to their queues. */
export interface Outbox {
  /** Every pending item, oldest (lowest ledger seq) first. */
  pending(): Promise<OutboxItem[]>;
  /** Removes a delivered item; removing one that is gone already does nothing. */
  done(id: string): Promise<void>;
}
