import type { JsonValue } from '../domain/canonical-json.js';
import type { IncidentDecision } from '../domain/decide-incident.js';
import { type Incident, incidentSnapshot } from '../domain/incident.js';
import type { IncidentEvent } from '../domain/incident-event.js';
import { type LedgerBody, SYSTEM_ACTOR } from '../domain/ledger-entry.js';

/**
 * The ledger record of one incident decision: who did what to which incident, the outcome and its
 * reason code, where the incident stood before and after, and the facts of the request. An alert that
 * opened no incident is named as `alert` instead.
 */
export function incidentLedgerBody(
  phase: string,
  id: string,
  event: IncidentEvent,
  before: Incident | null,
  decision: IncidentDecision,
  now: Date,
): LedgerBody {
  if (decision.outcome === 'noop') throw new Error('a no-op decision is not recorded');
  return {
    v: 1,
    at: now.toISOString(),
    phase,
    rolloutId: null,
    actor: 'actor' in event ? event.actor : SYSTEM_ACTOR,
    action: event.type,
    outcome: decision.outcome,
    reason: decision.reason,
    before: incidentSnapshot(before),
    after: incidentSnapshot(decision.incident ?? before),
    detail: {
      ...requestOf(event),
      [event.type === 'alert_unmatched' ? 'alert' : 'incident']: id,
      message: decision.message,
    },
  };
}

/**
 * The event's own fields, as JSON: without its type and actor (recorded beside it) and the policy (the
 * rollout's start recorded its digest). An opened incident gives what the alarm said.
 */
function requestOf(event: IncidentEvent): { [key: string]: JsonValue } {
  if (event.type === 'open_incident') {
    const { id: _id, phase: _phase, ...facts } = event.incident;
    return asJson(facts);
  }
  const { type: _type, ...fields } = event;
  if ('policy' in fields) {
    const { actor: _actor, policy: _policy, ...rest } = fields;
    return asJson(rest);
  }
  return asJson(fields);
}

const asJson = (fields: object) => JSON.parse(JSON.stringify(fields)) as { [key: string]: JsonValue };
