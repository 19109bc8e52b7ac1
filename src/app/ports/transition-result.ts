import type { IncidentDecision } from '../../domain/decide-incident.js';
import type { Decision } from '../../domain/decision.js';
import type { LedgerEntry } from '../../domain/ledger-entry.js';

/**
 * What a transition came to: the decision and the ledger entry it committed, or a lost race. `outboxId`
 * names the outbox item the commit recorded its work in; `undelivered` says that work could not be
 * handed on yet and stays pending, to be delivered again.
 */
export type TransitionResult =
  | (Decision & { entry?: LedgerEntry; version: number; outboxId?: string; undelivered?: true })
  | { outcome: 'conflict'; reason: 'conflict'; message: string; effects: []; version: number };

/** What an incident transition came to: the decision and the ledger entry it committed, or a lost race. */
export type IncidentTransitionResult =
  | (IncidentDecision & { entry?: LedgerEntry; version: number })
  | { outcome: 'conflict'; reason: 'conflict'; message: string; incident: null; version: number };
