import type { JsonValue } from './canonical-json.js';
import type { Severity } from './rollout-event.js';

/** One paged alarm, from the alert's arrival to its acknowledgement and resolution. */
export interface Incident {
  /** 16 hex digits, derived from the alert (or the soak and alarm) it was raised for. */
  id: string;
  alarm: string;
  severity: Severity;
  phase: string;
  summary: string;
  /** The alarm's value when the alert arrived, or null when the metrics source could not say. */
  value: number | null;
  comparator: string;
  threshold: number;
  windowMs: number;
  /** ISO-8601 UTC. */
  receivedAt: string;
  /** The traffic weight, in percent, the alarm found (the pending ramp's, if one was under way). */
  fromPct: number;
  rollbackId?: string;
  /**
   * The alerts of the alarm folded into this incident while it was open, one entry per instance (the
   * alert's `instance` label, or its fingerprint), first first: their count is how many fired. Absent for
   * an incident the bot's own soak raised.
   */
  instances?: string[];
  /** Of `instances`, those whose alert has resolved while others still fire. */
  resolvedInstances?: string[];
  /** ISO-8601 UTC: when traffic was back at shadow. */
  shadowAt?: string;
  /**
   * The incident's rollback failed before reaching shadow: `code` is its error code, `at` ISO-8601 UTC,
   * and `retrying` is true while it has attempts left.
   */
  rollbackFailure?: { code: string; at: string; retrying: boolean };
  /** The first acknowledgement; later ones change nothing. `at` is ISO-8601 UTC. */
  acknowledged?: { by: string; at: string };
  /** ISO-8601 UTC. */
  resolvedAt?: string;
  /** Where the notice was posted in the incident channel. */
  notice?: { channel: string; ts: string };
  /** A permitted person closed the incident's CRITICAL gate by hand. `at` is ISO-8601 UTC. */
  overridden?: { by: string; at: string; reason: string };
}

/** An incident as it is opened: what the alarm said, before anyone or anything has acted on it. */
export type NewIncident = Omit<
  Incident,
  'shadowAt' | 'rollbackFailure' | 'acknowledged' | 'resolvedAt' | 'notice' | 'overridden'
>;

/** Where an incident stands, as the ledger shows it before and after a decision. */
export function incidentSnapshot(incident: Incident | null): JsonValue {
  if (!incident) return null;
  return {
    alarm: incident.alarm,
    severity: incident.severity,
    paged: incident.notice !== undefined,
    acknowledgedBy: incident.acknowledged?.by ?? null,
    shadowAt: incident.shadowAt ?? null,
    ...(incident.rollbackFailure ? { rollbackFailure: incident.rollbackFailure } : {}),
    resolvedAt: incident.resolvedAt ?? null,
    overriddenBy: incident.overridden?.by ?? null,
  };
}
