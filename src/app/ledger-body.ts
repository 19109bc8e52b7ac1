import { canonicalJson, type JsonValue } from '../domain/canonical-json.js';
import type { IncidentDecision } from '../domain/decide-incident.js';
import type { Decision } from '../domain/decision.js';
import { MecError } from '../domain/errors.js';
import { type Incident, incidentSnapshot } from '../domain/incident.js';
import type { IncidentEvent } from '../domain/incident-event.js';
import { type LedgerBody, SYSTEM_ACTOR } from '../domain/ledger-entry.js';
import { actorOf, type RolloutEvent } from '../domain/rollout-event.js';
import { ledgerSnapshot, type RolloutState } from '../domain/rollout-state.js';
import { sha256Hex } from '../domain/sha256.js';

/**
 * Every ledger body is built here, for the transition path to commit: a rollout decision, a registry
 * write, an incident decision. Nothing else writes to the ledger.
 */

/**
 * The ledger record of one decision: who asked for what, the outcome and its reason code, the rollout
 * before and after, and the facts behind it. A start records the digest of the policy it runs under.
 * A refusal that opens a new window carries `collapsed`: how many identical refusals of the window
 * before were not written on their own.
 */
export function ledgerBody(
  phase: string,
  event: RolloutEvent,
  before: RolloutState | null,
  decision: Decision,
  now: Date,
  collapsed?: { count: number; windowMs: number },
): LedgerBody {
  if (decision.outcome === 'noop')
    throw new MecError(
      'invariant_violated',
      'a no-op decision is not recorded; the caller must skip the ledger for no-ops',
    );
  return {
    v: 1,
    at: now.toISOString(),
    phase,
    rolloutId: decision.state?.rolloutId ?? before?.rolloutId ?? null,
    actor: actorOf(event, SYSTEM_ACTOR),
    action: event.type,
    outcome: decision.outcome,
    reason: decision.reason,
    before: ledgerSnapshot(before),
    after: ledgerSnapshot(decision.state),
    detail: {
      request: requestOf(event),
      message: decision.message,
      ...(decision.gate ? { gate: decision.gate } : {}),
      ...(decision.detail === undefined ? {} : { facts: decision.detail }),
      ...(collapsed ? { collapsed } : {}),
    },
  };
}

/** The event's own fields, without its type and actor (recorded beside it), as JSON. */
function requestOf(event: RolloutEvent): JsonValue {
  if (event.type === 'start') {
    return { rolloutId: event.rolloutId, policyDigest: sha256Hex(canonicalJson(event.policy)) };
  }
  if (event.type === 'traffic_observed') {
    const { servingPct, registry, rolloutId, policy } = event;
    return { servingPct, registry, rolloutId, policyDigest: sha256Hex(canonicalJson(policy)) };
  }
  const { type: _type, ...fields } = event;
  if ('actor' in fields) {
    const { actor: _actor, ...rest } = fields;
    return JSON.parse(JSON.stringify(rest)) as JsonValue;
  }
  return JSON.parse(JSON.stringify(fields)) as JsonValue;
}

/** The ledger record of a registry write, adoption or recovery, committed with the root it records. */
export function registryBody(
  phase: string,
  now: Date,
  reason: 'registry_adopted' | 'registry_write' | 'registry_recovered',
  before: JsonValue,
  after: JsonValue,
  detail: JsonValue,
): LedgerBody {
  return {
    v: 1,
    at: now.toISOString(),
    phase,
    rolloutId: null,
    actor: SYSTEM_ACTOR,
    action: reason,
    outcome: 'applied',
    reason,
    before,
    after,
    detail,
  };
}

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
  collapsed?: { count: number; windowMs: number },
): LedgerBody {
  if (decision.outcome === 'noop')
    throw new MecError('invariant_violated', 'a no-op decision is not recorded');
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
      ...incidentRequestOf(event),
      [event.type === 'alert_unmatched' ? 'alert' : 'incident']: id,
      message: decision.message,
      ...(collapsed ? { collapsed } : {}),
    },
  };
}

/**
 * The event's own fields, as JSON: without its type and actor (recorded beside it) and the policy (the
 * rollout's start recorded its digest). An opened incident gives what the alarm said.
 */
function incidentRequestOf(event: IncidentEvent): { [key: string]: JsonValue } {
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
