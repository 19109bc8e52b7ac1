import { rollbackRequested } from './decide-traffic.js';
import { applied, type Decision, draft, noop, recorded, refused } from './decision.js';
import { SYSTEM_ACTOR } from './ledger-entry.js';
import { isPermitted } from './policy.js';
import type { SystemEvent, UserEvent } from './rollout-event.js';
import type { OpenGate, RolloutState } from './rollout-state.js';

type Event<T extends string> = Extract<UserEvent | SystemEvent, { type: T }>;

/**
 * The alarm policy of seed section 2: a firing BLOCKER rolls back, a CRITICAL holds a deployment gate
 * until it resolves, and everything else (WARNING, resolved BLOCKERs) is recorded for the weekly review.
 */
export function alarm(state: RolloutState, event: Event<'alarm'>, now: Date): Decision {
  const { alarm: name, severity, firing, summary } = event;
  const detail = { alarm: name, severity, firing, summary };
  if (severity === 'BLOCKER' && firing) {
    const rollback = rollbackRequested(state, SYSTEM_ACTOR, `BLOCKER ${name}: ${summary}`, now);
    if (rollback.outcome === 'applied') return { ...rollback, detail };
    return recorded(state, 'alarm_recorded', `BLOCKER ${name} noted: ${rollback.message}`, detail);
  }
  if (severity === 'CRITICAL') {
    return firing
      ? openGate(state, { id: name, source: 'alarm', openedAt: now.toISOString(), summary })
      : closeGate(state, name, `${name} resolved: ${summary}`);
  }
  return recorded(
    state,
    'alarm_recorded',
    `${severity} ${name} ${firing ? 'firing' : 'resolved'}: ${summary}.`,
    detail,
  );
}

/** A CRITICAL condition the bot found itself: a hand-edited registry, or an unreachable metrics source. */
export function gateOpened(state: RolloutState, event: Event<'gate_opened'>, now: Date): Decision {
  return openGate(state, {
    id: event.gateId,
    source: event.source,
    openedAt: now.toISOString(),
    summary: event.summary,
  });
}

export function gateResolved(state: RolloutState, event: Event<'gate_resolved'>): Decision {
  return closeGate(state, event.gateId, `${event.gateId} resolved: ${event.summary}`);
}

/** A permitted role may close a CRITICAL gate by hand, and must say why. */
export function overrideGate(state: RolloutState, event: Event<'override_gate'>): Decision {
  const { actor, gateId } = event;
  if (!isPermitted(state.policy, actor, 'override')) {
    return refused(state, 'not_permitted', `<@${actor}> holds no role that may override a gate.`);
  }
  const reason = event.reason.trim();
  if (reason === '') return refused(state, 'reason_required', 'an override needs a reason.');
  const gate = state.gates[gateId];
  if (!gate) return refused(state, 'gate_not_open', `no gate named ${gateId} is open.`);
  const next = draft(state);
  delete next.gates[gateId];
  return applied(next, 'gate_overridden', `Gate ${gateId} overridden by <@${actor}>: ${reason}.`, [], {
    gateId,
    reason,
    openedAt: gate.openedAt,
    summary: gate.summary,
  });
}

function openGate(state: RolloutState, gate: OpenGate): Decision {
  if (state.gates[gate.id]) return noop(state, 'duplicate', `gate ${gate.id} is already open.`);
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
  if (!state.gates[gateId]) return noop(state, 'duplicate', `gate ${gateId} is not open.`);
  const next = draft(state);
  delete next.gates[gateId];
  return applied(next, 'gate_closed', `${message}. Gate closed.`, [], { gateId });
}
