import { applied, type Decision, draft, noop } from './decision.js';
import { SYSTEM_ACTOR } from './ledger-entry.js';
import { own } from './own.js';
import type { SystemEvent } from './rollout-event.js';
import type { CheckState, RolloutState } from './rollout-state.js';

/** The CRITICAL gate that holds while the bot's record disagrees with the weight the registry serves. */
export const STATE_LOST_GATE = 'state_lost';

type Observed = Extract<SystemEvent, { type: 'traffic_observed' }>;

/**
 * The registry is the truth about traffic; the rollout record is only what the bot remembers of it.
 * When the record cannot explain the weight the registry serves (Redis lost its data, or came back from
 * an old snapshot), the record takes the registry's weight and the `state_lost` gate opens: ramps and
 * new starts are refused until a permitted role overrides it, while a BLOCKER or `/mec rollback` still
 * return traffic to shadow from the weight that is really served. With no record at all, a recovered
 * rollout is opened to hold the gate and that weight: its checks never ran, so it can only roll back.
 */
export function trafficObserved(state: RolloutState | null, event: Observed, now: Date): Decision {
  const { servingPct } = event;
  if (explains(state, servingPct))
    return noop(state, 'duplicate', `the record agrees with the registry (${servingPct}%).`);
  const open = state && own(state.gates, STATE_LOST_GATE);
  if (open && state.trafficPct === servingPct)
    return noop(state, 'duplicate', `${STATE_LOST_GATE} is already open at ${servingPct}%.`);
  const summary = lossOf(state, event);
  const next = state?.status === 'active' ? draft(state) : recovered(state, event, now);
  next.trafficPct = servingPct;
  next.gates[STATE_LOST_GATE] = {
    id: STATE_LOST_GATE,
    source: 'registry',
    openedAt: now.toISOString(),
    summary,
  };
  // An override of an earlier loss was for that loss; this one is decided afresh.
  delete next.overrides[STATE_LOST_GATE];
  return applied(
    next,
    'state_lost',
    `${summary}. CRITICAL gate ${STATE_LOST_GATE} opened: the registry's ${servingPct}% is taken as the truth. A BLOCKER or /mec rollback returns it to shadow; ramps and /mec start are refused until a permitted role overrides ${STATE_LOST_GATE}.`,
    [],
    { gateId: STATE_LOST_GATE, servingPct, recordedPct: state?.trafficPct ?? null, registry: event.registry },
  );
}

/** Whether the record accounts for the weight served, a change under way included. */
function explains(state: RolloutState | null, servingPct: number): boolean {
  if (!state || state.status === 'stopped') return servingPct === 0;
  // A completed phase's weight is the registry guard's to check, against the root it certified.
  if (state.status === 'complete') return true;
  // A rollback under way may have restored part of the registry already: anything down to shadow.
  if (state.rollback) return true;
  return servingPct === state.trafficPct || servingPct === state.pendingRamp?.weightPct;
}

function lossOf(state: RolloutState | null, event: Observed): string {
  const served = `the registry (${event.registry}) serves ${event.servingPct}%`;
  if (!state) return `Redis holds no rollout of this phase, yet ${served}`;
  if (state.status === 'stopped') return `the last rollout ended at shadow, yet ${served}`;
  return `the record says ${state.trafficPct}%, yet ${served}`;
}

/** A rollout opened by the bot to hold a weight nobody recorded; it keeps the phase's gates and overrides. */
function recovered(state: RolloutState | null, event: Observed, now: Date): RolloutState {
  const pending: CheckState = { status: 'pending' };
  return {
    rolloutId: event.rolloutId,
    policy: event.policy,
    status: 'active',
    startedBy: SYSTEM_ACTOR,
    startedAt: now.toISOString(),
    checks: { preflight: pending, backup: pending, rehearsal: pending, smoke: pending },
    goNoGo: {},
    approvals: {},
    trafficPct: event.servingPct,
    cursor: 0,
    gates: { ...state?.gates },
    overrides: { ...state?.overrides },
    lastAttemptId: 0,
  };
}
