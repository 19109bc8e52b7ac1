import type { JsonValue } from './canonical-json.js';
import type { LedgerEntry } from './ledger-entry.js';

/** The traffic a rollout served from `at` (ISO-8601 UTC) until the next point. */
export interface TrafficPoint {
  at: string;
  trafficPct: number;
}

/**
 * The traffic a rollout served over time, read from its ledger entries: where it stood at its first
 * entry, then each applied change of weight (a ramp landing, a rollback finishing), in order. Refusals
 * and entries that did not move traffic add no point.
 */
export function trafficHistory(entries: readonly LedgerEntry[], rolloutId: string): TrafficPoint[] {
  const points: TrafficPoint[] = [];
  for (const { body } of entries) {
    if (body.rolloutId !== rolloutId || body.outcome !== 'applied') continue;
    const after = trafficOf(body.after);
    if (after === undefined) continue;
    if (points.length === 0) points.push({ at: body.at, trafficPct: trafficOf(body.before) ?? 0 });
    if (points.at(-1)?.trafficPct !== after) points.push({ at: body.at, trafficPct: after });
  }
  return points;
}

/** The `trafficPct` of a ledger snapshot of the rollout, if it is one. */
function trafficOf(snapshot: JsonValue): number | undefined {
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot)) return undefined;
  const { trafficPct } = snapshot;
  return typeof trafficPct === 'number' ? trafficPct : undefined;
}
