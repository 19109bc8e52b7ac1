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
  /** ISO-8601 UTC: when traffic was back at shadow. */
  shadowAt?: string;
  /** The first acknowledgement; later ones change nothing. `at` is ISO-8601 UTC. */
  acknowledged?: { by: string; at: string };
  /** ISO-8601 UTC. */
  resolvedAt?: string;
  /** Where the notice was posted in the incident channel. */
  notice?: { channel: string; ts: string };
}
