import { voidApprovals } from './approvals.js';
import { applied, type Decision, draft, noop, recorded, refused } from './decision.js';
import type { Effect } from './effect.js';
import { isPermitted, whoMay } from './policy.js';
import type { SystemEvent, UserEvent } from './rollout-event.js';
import { nextAttemptId, type RolloutState } from './rollout-state.js';
import { WATCH_BLIND_GATE } from './watch-coverage.js';

type Event<T extends string> = Extract<UserEvent | SystemEvent, { type: T }>;

/** Traffic that a rollback would move back to shadow: the weight served, or the one being moved to. */
export function trafficAtRisk(state: RolloutState): number {
  return Math.max(state.trafficPct, state.pendingRamp?.weightPct ?? 0);
}

/**
 * Starts the one rollback, from a person or a BLOCKER alarm. While it is under way, no request starts a
 * second one: traffic returns to shadow exactly once. A person asking again (`reissue`) is recorded and
 * the same rollback, with the same id so a queue can tell it is not new, is asked for again in case its
 * job was lost.
 */
export function rollbackRequested(
  state: RolloutState,
  actor: string,
  reason: string,
  now: Date,
  reissue = false,
): Decision {
  const inFlight = state.rollback;
  if (inFlight) {
    if (!reissue) return noop(state, 'rollback_in_progress', 'a rollback is already under way.');
    const { fromPct, rollbackId } = inFlight;
    const message = `a rollback from ${fromPct}% is already under way; asked for it again.`;
    return {
      ...recorded(state, 'rollback_in_progress', message, { rollbackId }),
      effects: [{ kind: 'roll_back', fromPct, reason: inFlight.reason, rollbackId }],
    };
  }
  const fromPct = trafficAtRisk(state);
  if (fromPct === 0) return refused(state, 'nothing_to_roll_back', 'traffic is already at shadow (0%).');
  const next = draft(state);
  const rollbackId = nextAttemptId(next);
  delete next.pendingRamp;
  // A blind soak's gate goes with the soak: the rollback is the decision on it.
  if (next.gates[WATCH_BLIND_GATE]?.watch?.kind === 'soak') delete next.gates[WATCH_BLIND_GATE];
  delete next.soak;
  next.rollback = { rollbackId, requestedBy: actor, requestedAt: now.toISOString(), reason, fromPct };
  const effects: Effect[] = [{ kind: 'roll_back', fromPct, reason, rollbackId }];
  return applied(next, 'rollback_accepted', `Rolling back from ${fromPct}% to shadow: ${reason}.`, effects, {
    fromPct,
    reason,
    rollbackId,
  });
}

export function rollbackRequestedByUser(
  state: RolloutState,
  actor: string,
  reason: string,
  now: Date,
): Decision {
  if (!isPermitted(state.policy, actor, 'rollback')) {
    return refused(
      state,
      'not_permitted',
      `${actor} holds no role that may roll back; ${whoMay(state.policy, 'rollback')}.`,
    );
  }
  return rollbackRequested(state, actor, reason.trim() || 'requested in Slack', now, true);
}

/** Traffic is back at shadow and the registry restored: void the approvals and lock further ramps. */
export function rollbackFinished(
  state: RolloutState,
  event: Event<'rollback_finished'>,
  now: Date,
): Decision {
  const { rollback } = state;
  if (rollback?.rollbackId !== event.rollbackId) {
    return noop(state, 'duplicate', `rollback ${event.rollbackId} is not the one under way.`);
  }
  const next = draft(state);
  const voided = voidApprovals(next);
  next.trafficPct = 0;
  next.cursor = 0;
  next.lock = { since: now.toISOString(), reason: rollback.reason };
  next.lastRollback = { rollbackId: rollback.rollbackId, finishedAt: now.toISOString() };
  delete next.rollback;
  delete next.soak;
  return applied(
    next,
    'rollback_finished',
    `Rolled back from ${rollback.fromPct}% to shadow: ${event.summary}. Ramps are locked until every role approves again.`,
    [],
    { fromPct: rollback.fromPct, reason: rollback.reason, rollbackId: rollback.rollbackId, voided },
  );
}
