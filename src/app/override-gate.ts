import { REGISTRY_GATE } from '../domain/registry-gate.js';
import type { UserEvent } from '../domain/rollout-event.js';
import { certify } from './certify.js';
import type { IncidentNotifier } from './ports/incident-notifier.js';
import type { IncidentStore } from './ports/incident-store.js';
import { apply, type RolloutContext } from './rollout-context.js';
import type { TransitionResult } from './transition.js';
import { transitionIncident } from './transition-incident.js';

export interface OverrideGateDeps {
  ctx: RolloutContext;
  incidents: Pick<IncidentStore, 'recent' | 'load' | 'commit'>;
  notifier: Pick<IncidentNotifier, 'followUp' | 'redraw'>;
}

/**
 * A person closes a CRITICAL gate by hand, with a reason. Once the rollout has taken the override, each
 * open incident of that alarm notes who overrode it and why, in its thread and on its notice. Overriding
 * the registry gate of a rollout that completed certifies the phase, which the gate had refused.
 */
export async function overrideGate(
  deps: OverrideGateDeps,
  event: Extract<UserEvent, { type: 'override_gate' }>,
): Promise<TransitionResult> {
  const result = await apply(deps.ctx, event);
  if (result.outcome !== 'applied') return result;
  // A certification the registry gate refused goes ahead once a person has decided on the edit.
  const { state } = result;
  if (event.gateId === REGISTRY_GATE && state?.status === 'complete' && !state.certified)
    await certify(deps.ctx, state.rolloutId);
  const open = (await deps.incidents.recent()).filter(
    (incident) => incident.alarm === event.gateId && incident.severity === 'CRITICAL' && !incident.resolvedAt,
  );
  for (const { id } of open) {
    const noted = await transitionIncident(deps, id, {
      type: 'override',
      actor: event.actor,
      reason: event.reason,
      policy: deps.ctx.policy,
    });
    if (noted.outcome !== 'applied') continue;
    if (noted.followUp) await deps.notifier.followUp(id, noted.followUp);
    await deps.notifier.redraw(id);
  }
  return result;
}
