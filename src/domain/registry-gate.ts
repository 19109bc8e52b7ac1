import { applied, type Decision, draft, noop } from './decision.js';
import { own } from './own.js';
import type { SystemEvent } from './rollout-event.js';
import type { RolloutState } from './rollout-state.js';

/** The id of the CRITICAL gate a hand-edited feature registry opens. */
export const REGISTRY_GATE = 'registry_tampered';

type RegistryEdited = Extract<SystemEvent, { type: 'registry_edited' }>;

/**
 * True when a person overrode the registry gate for exactly this file content (its Merkle root). An
 * override is for the edit it was given for: any other root is a new hand edit.
 */
export function handEditOverridden(state: RolloutState | null, fileRoot: string): boolean {
  return state !== null && own(state.overrides, REGISTRY_GATE)?.registryRoot === fileRoot;
}

/**
 * The registry file's root is not the one the bot last wrote: someone edited it by hand. The CRITICAL
 * gate opens for that root, and a ramp still pending is cancelled in the same step, since its job will
 * not write over the edit: a later ramp, once a person has decided, is not held by it. An override of
 * an earlier edit ends here; one of this very edit stands.
 */
export function registryEdited(state: RolloutState, event: RegistryEdited, now: Date): Decision {
  const { fileRoot, recordedRoot } = event;
  const override = own(state.overrides, REGISTRY_GATE);
  if (override?.registryRoot === fileRoot) {
    return noop(state, 'duplicate', `this hand edit of the registry was overridden by ${override.by}.`);
  }
  const open = own(state.gates, REGISTRY_GATE);
  const cancelled = state.pendingRamp;
  if (open && !cancelled) return noop(state, 'duplicate', `gate ${REGISTRY_GATE} is already open.`);
  const next = draft(state);
  delete next.overrides[REGISTRY_GATE];
  delete next.pendingRamp;
  const summary = `the registry root ${fileRoot.slice(0, 12)}… is not the ${recordedRoot.slice(0, 12)}… the bot last wrote: it was edited by hand`;
  next.gates[REGISTRY_GATE] = open ?? {
    id: REGISTRY_GATE,
    source: 'registry',
    openedAt: now.toISOString(),
    summary,
    registryRoot: fileRoot,
  };
  const gateOpened = `CRITICAL gate ${REGISTRY_GATE} opened: ${summary}.`;
  const what = 'Override the gate with a reason once the edit is undone or understood.';
  const facts = {
    gateId: REGISTRY_GATE,
    source: 'registry',
    fileRoot,
    recordedRoot,
    ...(override ? { overrideEnded: { by: override.by, registryRoot: override.registryRoot ?? null } } : {}),
  };
  if (!cancelled) {
    return applied(next, 'gate_opened', `${gateOpened} Ramps are refused. ${what}`, [], facts);
  }
  const message = `Ramp to ${cancelled.weightPct}% cancelled, traffic stays at ${state.trafficPct}%: ${gateOpened} ${what} Then ramp again.`;
  return applied(next, 'ramp_cancelled', message, [], {
    ...facts,
    cancelledRamp: { rampId: cancelled.rampId, weightPct: cancelled.weightPct },
  });
}
