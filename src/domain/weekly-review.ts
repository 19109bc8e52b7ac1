import type { LedgerEntry } from './ledger-entry.js';

/** What the weekly governance review reports, counted from the ledger. */
export interface WeeklyReview {
  from: string;
  to: string;
  warnings: Array<{ alarm: string; at: string; summary: string }>;
  rollbacks: Array<{ at: string; reason: string; fromPct: number }>;
  /** Rollbacks a BLOCKER alarm asked for: each one an incident prevented. */
  preventedIncidents: number;
  gates: { opened: number; closed: number; overridden: number };
  approvals: { recorded: number; rejected: number };
}

type Facts = Record<string, unknown> | undefined;
const factsOf = (entry: LedgerEntry) =>
  (entry.body.detail as { facts?: Record<string, unknown> } | null)?.facts as Facts;

/** Counts the week `[from, to)` of the ledger into the review. Pure: the caller reads the ledger. */
export function weeklyReview(entries: readonly LedgerEntry[], from: Date, to: Date): WeeklyReview {
  const inWeek = entries.filter((entry) => {
    const at = Date.parse(entry.body.at);
    return at >= from.getTime() && at < to.getTime();
  });
  const review: WeeklyReview = {
    from: from.toISOString(),
    to: to.toISOString(),
    warnings: [],
    rollbacks: [],
    preventedIncidents: 0,
    gates: { opened: 0, closed: 0, overridden: 0 },
    approvals: { recorded: 0, rejected: 0 },
  };
  for (const entry of inWeek) {
    for (const { reason, facts } of stepsOf(entry)) countStep(review, entry.body.at, reason, facts);
  }
  return review;
}

/**
 * The steps an entry records: one, or several for an evaluation of a watch that did more than one
 * thing (decideWatchTick), each with its own reason and facts.
 */
function stepsOf(entry: LedgerEntry): Array<{ reason: string; facts: Facts }> {
  const facts = factsOf(entry);
  const steps = facts?.steps;
  if (!Array.isArray(steps)) return [{ reason: entry.body.reason, facts }];
  return steps.map((step: { reason?: unknown; facts?: unknown }) => ({
    reason: String(step.reason),
    facts: step.facts as Facts,
  }));
}

function countStep(review: WeeklyReview, at: string, reason: string, facts: Facts): void {
  switch (reason) {
    case 'alarm_recorded':
      if (facts?.severity === 'WARNING' && facts.firing === true) {
        review.warnings.push({
          alarm: String(facts.alarm),
          at,
          summary: String(facts.summary ?? ''),
        });
      }
      break;
    case 'rollback_finished': {
      const why = String(facts?.reason ?? '');
      review.rollbacks.push({ at, reason: why, fromPct: Number(facts?.fromPct ?? 0) });
      if (why.startsWith('BLOCKER')) review.preventedIncidents += 1;
      break;
    }
    case 'gate_opened':
    case 'watch_blind':
      review.gates.opened += 1;
      break;
    case 'gate_closed':
      review.gates.closed += 1;
      break;
    case 'gate_overridden':
      review.gates.overridden += 1;
      break;
    case 'approval_recorded':
      review.approvals.recorded += 1;
      break;
    case 'approval_rejected_recorded':
      review.approvals.rejected += 1;
      break;
  }
}
