import { trafficAtRisk } from './decide-rollback.js';
import { applied, type Decision, draft, noop, refused } from './decision.js';
import { describeCountdown, describeInstant } from './describe-instant.js';
import type { Effect } from './effect.js';
import { isPermitted, whoMay } from './policy.js';
import { evaluateRampGates, firstHold, nextRampWeight } from './ramp-gates.js';
import type { SystemEvent, UserEvent } from './rollout-event.js';
import { nextAttemptId, type RolloutState, soakWeightPct } from './rollout-state.js';

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
    const message = `Traffic at ${weightPct}%; soak ends ${describeCountdown(new Date(endsAt), now)}.`;
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
    return refused(
      state,
      'not_permitted',
      `${actor} holds no role that may pause; ${whoMay(state.policy, 'pause')}.`,
    );
  }
  if (state.paused) return noop(state, 'duplicate', `already paused by ${state.paused.by}.`);
  const next = draft(state);
  next.paused = { by: actor, at: now.toISOString(), ...(reason ? { reason } : {}) };
  return applied(next, 'paused', 'Rollout paused: no ramp until /mec resume. Alarms and rollback still act.');
}

export function resume(state: RolloutState, event: Event<'resume'>): Decision {
  const { actor } = event;
  if (!isPermitted(state.policy, actor, 'resume')) {
    return refused(
      state,
      'not_permitted',
      `${actor} holds no role that may resume; ${whoMay(state.policy, 'resume')}.`,
    );
  }
  if (!state.paused) return refused(state, 'not_paused', 'the rollout is not paused.');
  const next = draft(state);
  delete next.paused;
  return applied(next, 'resumed', 'Rollout resumed.', autoAdvanceEffects(next));
}

export function abort(state: RolloutState, event: Event<'abort'>, now: Date): Decision {
  const { actor } = event;
  if (!isPermitted(state.policy, actor, 'abort')) {
    return refused(
      state,
      'not_permitted',
      `${actor} holds no role that may abort; ${whoMay(state.policy, 'abort')}.`,
    );
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
