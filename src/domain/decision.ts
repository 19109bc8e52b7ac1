import type { JsonValue } from './canonical-json.js';
import type { Effect } from './effect.js';
import type { RampGate } from './ramp-gates.js';
import type { ReasonCode, RefusalReason } from './reason.js';
import type { RolloutState } from './rollout-state.js';

/**
 * What decide() concluded.
 * - `applied`: the state changed; store it, record it, then run the effects.
 * - `recorded`: nothing changed, but the ledger notes the event (an alarm with nothing to act on).
 * - `refused`: a gate or a permission held; the ledger records the denied attempt.
 * - `noop`: a duplicate or a stale report; nothing is stored or recorded.
 */
export interface Decision {
  outcome: 'applied' | 'recorded' | 'refused' | 'noop';
  state: RolloutState | null;
  effects: Effect[];
  reason: ReasonCode;
  /** One sentence for people; a refusal names the gate that held and what to do. */
  message: string;
  /** The gate that held, for a refused ramp. */
  gate?: RampGate;
  /** Facts the ledger keeps beyond the before/after snapshot, such as an approval's digest. */
  detail?: JsonValue;
}

export function applied(
  state: RolloutState,
  reason: ReasonCode,
  message: string,
  effects: Effect[] = [],
  detail?: JsonValue,
): Decision {
  return withDetail({ outcome: 'applied', state, effects, reason, message }, detail);
}

export function recorded(
  state: RolloutState | null,
  reason: ReasonCode,
  message: string,
  detail?: JsonValue,
): Decision {
  return withDetail({ outcome: 'recorded', state, effects: [], reason, message }, detail);
}

export function refused(state: RolloutState | null, reason: RefusalReason, message: string): Decision {
  return { outcome: 'refused', state, effects: [], reason, message };
}

export function noop(state: RolloutState | null, reason: ReasonCode, message: string): Decision {
  return { outcome: 'noop', state, effects: [], reason, message };
}

function withDetail(decision: Decision, detail: JsonValue | undefined): Decision {
  return detail === undefined ? decision : { ...decision, detail };
}

/** A deep copy to change and return, so the caller's state is never touched. */
export function draft(state: RolloutState): RolloutState {
  return structuredClone(state);
}
