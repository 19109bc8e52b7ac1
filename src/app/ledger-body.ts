import { canonicalJson, type JsonValue } from '../domain/canonical-json.js';
import type { Decision } from '../domain/decision.js';
import { MecError } from '../domain/errors.js';
import { type LedgerBody, SYSTEM_ACTOR } from '../domain/ledger-entry.js';
import { actorOf, type RolloutEvent } from '../domain/rollout-event.js';
import { ledgerSnapshot, type RolloutState } from '../domain/rollout-state.js';
import { sha256Hex } from '../domain/sha256.js';

/**
 * The ledger record of one decision: who asked for what, the outcome and its reason code, the rollout
 * before and after, and the facts behind it. A start records the digest of the policy it runs under.
 */
export function ledgerBody(
  phase: string,
  event: RolloutEvent,
  before: RolloutState | null,
  decision: Decision,
  now: Date,
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
    },
  };
}

/** The event's own fields, without its type and actor (recorded beside it), as JSON. */
function requestOf(event: RolloutEvent): JsonValue {
  if (event.type === 'start') {
    return { rolloutId: event.rolloutId, policyDigest: sha256Hex(canonicalJson(event.policy)) };
  }
  const { type: _type, ...fields } = event;
  if ('actor' in fields) {
    const { actor: _actor, ...rest } = fields;
    return JSON.parse(JSON.stringify(rest)) as JsonValue;
  }
  return JSON.parse(JSON.stringify(fields)) as JsonValue;
}
