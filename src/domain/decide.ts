import { approve, reject } from './decide-approvals.js';
import { checkFinished, goNoGo, runCheck, start } from './decide-checks.js';
import { decideGateEvent, isGateEvent } from './decide-gates.js';
import { rollbackFinished, rollbackRequestedByUser } from './decide-rollback.js';
import { trafficObserved } from './decide-state-lost.js';
import { abort, pause, ramp, resume, soakFinished, trafficApplied } from './decide-traffic.js';
import { decideWatchTick } from './decide-watch.js';
import { applied, type Decision, draft, noop, recorded, refused } from './decision.js';
import { own } from './own.js';
import { REGISTRY_GATE } from './registry-gate.js';
import type { RolloutEvent } from './rollout-event.js';
import type { RolloutState } from './rollout-state.js';

/**
 * The one transition function of a rollout. Pure: the same state, event and `now` always give the same
 * decision, and the input state is never modified. Reports that arrive twice (a retried job, a double
 * click) come back as `noop`, so re-running an event changes nothing.
 */
export function decide(state: RolloutState | null, event: RolloutEvent, now: Date): Decision {
  if (event.type === 'start') return start(state, event, now);
  if (event.type === 'certify') return certify(state, event, now);
  if (event.type === 'traffic_observed') return trafficObserved(state, event, now);
  if (event.type === 'review_posted') {
    const { type: _type, ...counts } = event;
    return recorded(state, 'review_posted', 'The weekly governance review was posted.', counts);
  }
  if (state && isGateEvent(event)) return decideGateEvent(state, event, now);
  if (state?.status !== 'active') return whenInactive(state, event);
  switch (event.type) {
    case 'run_check':
      return runCheck(state, event, now);
    case 'check_finished':
      return checkFinished(state, event, now);
    case 'go_no_go':
      return goNoGo(state, event, now);
    case 'approve':
      return approve(state, event, now);
    case 'reject':
      return reject(state, event, now);
    case 'ramp':
      return ramp(state, event, now);
    case 'traffic_applied':
      return trafficApplied(state, event, now);
    case 'soak_finished':
      return soakFinished(state, event, now);
    case 'watch_tick':
      return decideWatchTick(state, event, now);
    case 'pause':
      return pause(state, event, now);
    case 'resume':
      return resume(state, event);
    case 'rollback':
      return rollbackRequestedByUser(state, event.actor, event.reason, now);
    case 'rollback_finished':
      return rollbackFinished(state, event, now);
    case 'abort':
      return abort(state, event, now);
    default:
      return whenInactive(state, event);
  }
}

/** Records the final roots of a phase that completed, once. */
function certify(
  state: RolloutState | null,
  event: Extract<RolloutEvent, { type: 'certify' }>,
  now: Date,
): Decision {
  if (state?.rolloutId !== event.rolloutId || state.status !== 'complete')
    return noop(state, 'rollout_not_active', 'only a rollout that completed is certified; ignored.');
  if (state.certified) return noop(state, 'duplicate', `${state.policy.phase} is already certified.`);
  // The final registry root is the bot's, or a hand edit a person overrode; never an edit no one decided on.
  const gate = own(state.gates, REGISTRY_GATE);
  if (gate)
    return refused(
      state,
      'critical_gate_open',
      `${state.policy.phase} is not certified while gate ${REGISTRY_GATE} is open (${gate.summary}); override the gate with a reason once the edit is undone or understood.`,
    );
  const next = draft(state);
  const { artifactRoot, registryRoot } = event;
  next.certified = { at: now.toISOString(), artifactRoot, registryRoot };
  return applied(next, 'phase_certified', `${state.policy.phase} certified.`, [], {
    artifactRoot,
    registryRoot,
  });
}

/**
 * No rollout, or one that is over. Alarms are still recorded. Before the first rollout of a phase there
 * is no record to hold a gate, so the caller re-checks integrity when a rollout starts.
 */
function whenInactive(state: RolloutState | null, event: Exclude<RolloutEvent, { type: 'start' }>): Decision {
  if (event.type === 'alarm') {
    return recorded(
      state,
      'alarm_recorded',
      `${event.severity} ${event.alarm} noted; no rollout is active.`,
      {
        alarm: event.alarm,
        severity: event.severity,
        firing: event.firing,
        summary: event.summary,
      },
    );
  }
  const what = state ? `the ${state.policy.phase} rollout is ${state.status}` : 'no rollout has been started';
  const reason = state ? 'rollout_not_active' : 'no_rollout';
  if (!('actor' in event)) return noop(state, reason, `${what}; ignored.`);
  return refused(state, reason, `${what}. Start one with /mec start.`);
}
