import type { RolloutPolicy } from '../domain/policy.js';
import type { IncidentNotifier } from './ports/incident-notifier.js';
import {
  type IncidentContext,
  type IncidentTransitionResult,
  type TransitionIncidentDeps,
  transitionIncident,
} from './transition-incident.js';

export interface AcknowledgeDeps extends TransitionIncidentDeps {
  /** `policy` says who may acknowledge. */
  ctx: IncidentContext & { policy: RolloutPolicy };
  notifier: Pick<IncidentNotifier, 'redraw'>;
}

/**
 * Someone clicked Acknowledge on an incident notice. The first permitted click is recorded and the
 * notice redrawn; a later one changes nothing; one from someone not permitted is refused and recorded.
 */
export async function acknowledgeIncident(
  deps: AcknowledgeDeps,
  incidentId: string,
  actor: string,
): Promise<IncidentTransitionResult> {
  const result = await transitionIncident(deps, incidentId, {
    type: 'acknowledge',
    actor,
    policy: deps.ctx.policy,
  });
  if (result.outcome === 'applied') await deps.notifier.redraw(incidentId);
  return result;
}
