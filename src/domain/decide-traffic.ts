import { applied, type Decision, draft, noop, recorded, refused } from './decision.js';
import { describeInstant } from './describe-instant.js';
import type { Effect } from './effect.js';
import { isPermitted } from './policy.js';
import { evaluateRampGates, firstHold, nextRampWeight } from './ramp-gates.js';
import type { SystemEvent, UserEvent } from './rollout-event.js';
import { nextAttemptId, type RolloutState, soakWeightPct } from './rollout-state.js';
import { WATCH_BLIND_GATE } from './watch-coverage.js';

type Event<T extends string> = Extract<UserEvent | SystemEvent, { type: T }>;

/** Accepts a ramp when every gate allows it; the traffic moves when the controller reports back. */
export function ramp(state: RolloutState, event: Event<'ramp'>, now: Date): Decision {
  const { actor, weightPct } = event;
  const held = firstHold(evaluateRampGates(state, event, now));
  if (held) {
    const message = `Ramp to ${weightPct}% refused by the ${held.gate} gate: ${held.message}`;
    return { ...refused(state, held.reason, message), gate: held.gate };
  }
  const next = draft(state);
  const rampId = nextAttemptId(next);
  next.pendingRamp = { rampId, weightPct, requestedBy: actor, requestedAt: now.toISOString() };
  return applied(
    next,
    'ramp_accepted',
    `Ramp to ${weightPct}% accepted; moving traffic.`,
    [{ kind: 'set_traffic', weightPct, rampId }],
    { fromPct: state.trafficPct, toPct: weightPct, rampId },
  );
}

/** The traffic controller confirmed the new weight: the soak that follows the step starts now. */
export function trafficApplied(state: RolloutState, event: Event<'traffic_applied'>, now: Date): Decision {
  const { weightPct, rampId } = event;
  if (state.pendingRamp?.rampId !== rampId || state.pendingRamp.weightPct !== weightPct) {
    return noop(state, 'duplicate', `ramp ${rampId} to ${weightPct}% is not the one pending.`);
  }
  const { steps } = state.policy;
  const rampIndex = steps.findIndex((step, index) => index >= state.cursor && step.kind === 'ramp');
  const next = draft(state);
  next.trafficPct = weightPct;
  next.cursor = rampIndex + 1;
  delete next.pendingRamp;
  delete next.soak;
  const following = steps[next.cursor];
  if (following?.kind === 'soak') {
    const endsAt = new Date(now.getTime() + following.soakMs).toISOString();
    const soakId = nextAttemptId(next);
    next.soak = {
      soakId,
      stepIndex: next.cursor,
      startedAt: now.toISOString(),
      endsAt,
      status: 'running',
    };
    const message = `Traffic at ${weightPct}%; soak ends ${describeInstant(new Date(endsAt), now)}.`;
    return applied(next, 'traffic_applied', message, [{ kind: 'end_soak_at', soakId, endsAt }], {
      trafficPct: weightPct,
    });
  }
  return advance(next, now, `Traffic at ${weightPct}%.`, 'traffic_applied');
}

/** The soak of a step ended. A clean soak advances the plan; a breached one holds it. */
export function soakFinished(state: RolloutState, event: Event<'soak_finished'>, now: Date): Decision {
  const { soak } = state;
  if (soak?.status !== 'running' || soak.soakId !== event.soakId) {
    return noop(state, 'duplicate', `soak ${event.soakId} is not the one running.`);
  }
  // Early (a worker's clock behind): not taken; the reporter schedules the end again.
  if (now.getTime() < Date.parse(soak.endsAt)) {
    return noop(
      state,
      'soak_running',
      `${soakWeightPct(state.policy, soak)}% soak ends ${describeInstant(new Date(soak.endsAt), now)}.`,
    );
  }
  const next = draft(state);
  if (event.breached) {
    next.soak = { ...soak, status: 'breached' };
    const message = `${soakWeightPct(state.policy, soak)}% soak breached: ${event.summary}.`;
    return applied(next, 'soak_breached_recorded', message, [], { summary: event.summary });
  }
  next.soak = { ...soak, status: 'passed' };
  next.cursor = soak.stepIndex + 1;
  return advance(
    next,
    now,
    `${soakWeightPct(state.policy, soak)}% soak passed: ${event.summary}.`,
    'soak_passed',
  );
}

/** A blind soak a person accepted (on a draft state): the step counts as soaked and the plan goes on. */
export function acceptBlindSoak(next: RolloutState, now: Date, message: string): Decision {
  const { soak } = next;
  if (!soak) return applied(next, 'gate_overridden', message);
  next.soak = { ...soak, status: 'passed' };
  next.cursor = soak.stepIndex + 1;
  return advance(
    next,
    now,
    `${message} The ${soakWeightPct(next.policy, soak)}% soak counts as soaked.`,
    'soak_passed',
  );
}

/** After a step ends: complete the rollout when the plan is done, or ramp on by itself with autoAdvance. */
function advance(
  next: RolloutState,
  now: Date,
  message: string,
  reason: 'traffic_applied' | 'soak_passed',
): Decision {
  if (next.cursor >= next.policy.steps.length) {
    next.status = 'complete';
    next.ended = { at: now.toISOString(), reason: 'complete' };
    return applied(next, 'rollout_complete', `${message} ${next.policy.phase} is complete and certified.`, [
      { kind: 'certify' },
    ]);
  }
  return applied(next, reason, message, autoAdvanceEffects(next));
}

function autoAdvanceEffects(state: RolloutState): Effect[] {
  const weightPct = nextRampWeight(state);
  const ready =
    state.policy.autoAdvance && !state.paused && !state.pendingRamp && state.soak?.status !== 'running';
  return ready && weightPct !== undefined ? [{ kind: 'request_ramp', weightPct }] : [];
}

export function pause(state: RolloutState, event: Event<'pause'>, now: Date): Decision {
  const { actor, reason } = event;
  if (!isPermitted(state.policy, actor, 'pause')) {
    return refused(state, 'not_permitted', `${actor} holds no role that may pause.`);
  }
  if (state.paused) return noop(state, 'duplicate', `already paused by ${state.paused.by}.`);
  const next = draft(state);
  next.paused = { by: actor, at: now.toISOString(), ...(reason ? { reason } : {}) };
  return applied(next, 'paused', 'Rollout paused: no ramp until /mec resume. Alarms and rollback still act.');
}

export function resume(state: RolloutState, event: Event<'resume'>): Decision {
  const { actor } = event;
  if (!isPermitted(state.policy, actor, 'resume')) {
    return refused(state, 'not_permitted', `${actor} holds no role that may resume.`);
  }
  if (!state.paused) return refused(state, 'not_paused', 'the rollout is not paused.');
  const next = draft(state);
  delete next.paused;
  return applied(next, 'resumed', 'Rollout resumed.', autoAdvanceEffects(next));
}

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
    return refused(state, 'not_permitted', `${actor} holds no role that may roll back.`);
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
  const voided = Object.values(next.approvals).map(({ roleId, digest }) => ({ roleId, digest }));
  next.trafficPct = 0;
  next.cursor = 0;
  next.approvals = {};
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

export function abort(state: RolloutState, event: Event<'abort'>, now: Date): Decision {
  const { actor } = event;
  if (!isPermitted(state.policy, actor, 'abort')) {
    return refused(state, 'not_permitted', `${actor} holds no role that may abort.`);
  }
  const reason = event.reason.trim();
  if (reason === '') return refused(state, 'reason_required', 'an abort needs a reason.');
  if (trafficAtRisk(state) > 0 || state.rollback) {
    return refused(
      state,
      'abort_needs_rollback',
      `traffic is at ${state.trafficPct}%; /mec rollback first, then abort.`,
    );
  }
  const next = draft(state);
  next.status = 'stopped';
  next.ended = { at: now.toISOString(), reason: `aborted: ${reason}` };
  return applied(next, 'aborted', `Rollout aborted: ${reason}.`);
}
