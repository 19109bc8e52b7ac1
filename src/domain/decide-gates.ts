import { voidApprovals } from './approvals.js';
import { rollbackRequested, trafficAtRisk } from './decide-rollback.js';
import { acceptBlindSoak } from './decide-traffic.js';
import { applied, type Decision, draft, noop, recorded, refused } from './decision.js';
import { SYSTEM_ACTOR } from './ledger-entry.js';
import { own } from './own.js';
import { isPermitted, whoMay } from './policy.js';
import { registryEdited } from './registry-gate.js';
import type { SystemEvent, UserEvent } from './rollout-event.js';
import type { OpenGate, RolloutState } from './rollout-state.js';
import { WATCH_BLIND_GATE } from './watch-coverage.js';

type Event<T extends string> = Extract<UserEvent | SystemEvent, { type: T }>;

/** Events about CRITICAL gates and alarms. They act on a rollout record whatever its status. */
export type GateEvent = Event<
  'alarm' | 'gate_opened' | 'gate_resolved' | 'override_gate' | 'registry_edited'
>;

export function isGateEvent(event: UserEvent | SystemEvent): event is GateEvent {
  return (
    event.type === 'alarm' ||
    event.type === 'gate_opened' ||
    event.type === 'gate_resolved' ||
    event.type === 'override_gate' ||
    event.type === 'registry_edited'
  );
}

export function decideGateEvent(state: RolloutState, event: GateEvent, now: Date): Decision {
  switch (event.type) {
    case 'alarm':
      return alarm(state, event, now);
    case 'gate_opened':
      return openGate(state, {
        id: event.gateId,
        source: event.source,
        openedAt: now.toISOString(),
        summary: event.summary,
      });
    case 'gate_resolved':
      return closeGate(state, event.gateId, `${event.gateId} resolved: ${event.summary}`);
    case 'override_gate':
      return overrideGate(state, event, now);
    case 'registry_edited':
      return registryEdited(state, event, now);
  }
}

/**
 * The alarm policy of seed section 2. A firing BLOCKER rolls back, or, with traffic already at shadow,
 * locks further ramps. A CRITICAL holds a deployment gate until it resolves. A WARNING, and anything in
 * a rollout that is over, is recorded for the weekly review.
 */
function alarm(state: RolloutState, event: Event<'alarm'>, now: Date): Decision {
  const { alarm: name, severity, firing, summary } = event;
  const detail = { alarm: name, severity, firing, summary };
  if (severity === 'CRITICAL') {
    return firing
      ? openGate(state, { id: name, source: 'alarm', openedAt: now.toISOString(), summary })
      : closeGate(state, name, `${name} resolved: ${summary}`);
  }
  if (severity === 'BLOCKER' && firing && state.status === 'active') {
    const reason = `BLOCKER ${name}: ${summary}`;
    if (trafficAtRisk(state) === 0 && !state.rollback) return lockAtShadow(state, reason, now, detail);
    // With a rollback already under way, the same rollback is asked for again (same id): if its job was
    // lost between the commit and the queue, a later alarm still brings traffic back to shadow.
    const rollback = rollbackRequested(state, SYSTEM_ACTOR, reason, now, true);
    if (rollback.outcome === 'applied') return { ...rollback, detail };
    return {
      ...recorded(state, 'alarm_recorded', `BLOCKER ${name} noted: ${rollback.message}`, detail),
      effects: rollback.effects,
    };
  }
  return recorded(
    state,
    'alarm_recorded',
    `${severity} ${name} ${firing ? 'firing' : 'resolved'}: ${summary}.`,
    detail,
  );
}

/** Nothing to roll back, but the alarm still stops ramps: lock until every role approves again. */
function lockAtShadow(
  state: RolloutState,
  reason: string,
  now: Date,
  detail: Record<string, string | boolean>,
): Decision {
  if (state.lock) return recorded(state, 'alarm_recorded', `${reason}; ramps are already locked.`, detail);
  const next = draft(state);
  const voided = voidApprovals(next);
  next.lock = { since: now.toISOString(), reason };
  const message = `${reason}. Traffic is at shadow; ramps are locked until every role approves again.`;
  return applied(next, 'locked_by_blocker', message, [], { ...detail, voided });
}

/**
 * A permitted role may close a CRITICAL gate by hand, with a reason. The override holds while the alarm
 * keeps firing, so repeated notifications do not reopen the gate; it ends when the alarm resolves. An
 * override of the registry gate records the hand edit it was given for, and holds for that edit only.
 */
function overrideGate(state: RolloutState, event: Event<'override_gate'>, now: Date): Decision {
  const { actor, gateId } = event;
  if (!isPermitted(state.policy, actor, 'override')) {
    return refused(
      state,
      'not_permitted',
      `${actor} holds no role that may override a gate; ${whoMay(state.policy, 'override')}.`,
    );
  }
  const reason = event.reason.trim();
  if (reason === '') return refused(state, 'reason_required', 'an override needs a reason.');
  const gate = own(state.gates, gateId);
  if (!gate) return refused(state, 'gate_not_open', `no gate named ${gateId} is open.`);
  if (gateId === WATCH_BLIND_GATE) return acceptBlindWatch(state, gate, actor, reason, now);
  const next = draft(state);
  delete next.gates[gateId];
  const { registryRoot } = gate;
  next.overrides[gateId] = {
    by: actor,
    at: now.toISOString(),
    reason,
    ...(registryRoot ? { registryRoot } : {}),
  };
  return applied(next, 'gate_overridden', `Gate ${gateId} overridden by ${actor}: ${reason}.`, [], {
    gateId,
    reason,
    openedAt: gate.openedAt,
    summary: gate.summary,
  });
}

/**
 * The decision on a blind watch: the person accepts it, so the soak counts as soaked (the plan goes on)
 * or the smoke as passed (the go/no-go follows). Nothing lingers: the next watch is judged afresh.
 */
function acceptBlindWatch(
  state: RolloutState,
  gate: OpenGate,
  actor: string,
  reason: string,
  now: Date,
): Decision {
  const next = draft(state);
  delete next.gates[gate.id];
  const message = `Gate ${gate.id} overridden by ${actor}: ${reason}.`;
  const detail = { gateId: gate.id, reason, openedAt: gate.openedAt, summary: gate.summary };
  const { watch } = gate;
  const smoke = next.checks.smoke;
  if (watch?.kind === 'smoke' && smoke.runId === watch.id && smoke.status === 'failed') {
    next.checks.smoke = {
      ...smoke,
      status: 'passed',
      summary: `${smoke.summary ?? ''}; accepted by ${actor}: ${reason}`,
    };
    return applied(
      next,
      'gate_overridden',
      `${message} The shadow smoke counts as passed.`,
      [{ kind: 'post_card', card: 'go_no_go' }],
      detail,
    );
  }
  if (watch?.kind === 'soak' && next.soak?.soakId === watch.id && next.soak.status === 'blind') {
    const accepted = acceptBlindSoak(next, now, message);
    return {
      ...accepted,
      reason: accepted.reason === 'rollout_complete' ? accepted.reason : 'gate_overridden',
      detail,
    };
  }
  return applied(next, 'gate_overridden', `${message} Its watch is over; nothing else changes.`, [], detail);
}

function openGate(state: RolloutState, gate: OpenGate): Decision {
  if (own(state.gates, gate.id)) return noop(state, 'duplicate', `gate ${gate.id} is already open.`);
  const override = own(state.overrides, gate.id);
  if (override) {
    const message = `${gate.id} still firing (${gate.summary}); the gate stays overridden by ${override.by} until it resolves.`;
    return recorded(state, 'alarm_recorded', message, {
      gateId: gate.id,
      summary: gate.summary,
      overriddenBy: override.by,
    });
  }
  const next = draft(state);
  next.gates[gate.id] = gate;
  return applied(
    next,
    'gate_opened',
    `CRITICAL gate ${gate.id} opened: ${gate.summary}. Ramps are refused.`,
    [],
    {
      gateId: gate.id,
      source: gate.source,
      summary: gate.summary,
    },
  );
}

function closeGate(state: RolloutState, gateId: string, message: string): Decision {
  const open = own(state.gates, gateId) !== undefined;
  const overridden = own(state.overrides, gateId) !== undefined;
  if (!open && !overridden) return noop(state, 'duplicate', `gate ${gateId} is not open.`);
  const next = draft(state);
  delete next.gates[gateId];
  delete next.overrides[gateId];
  return applied(next, 'gate_closed', `${message}. Gate closed.`, [], { gateId });
}
