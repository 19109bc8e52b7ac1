import type { Incident } from '../domain/incident.js';
import type { IncidentNotifier } from './ports/incident-notifier.js';
import type { IncidentStore } from './ports/incident-store.js';
import { type TransitionIncidentDeps, transitionIncident } from './transition-incident.js';

export interface StampShadowDeps extends TransitionIncidentDeps {
  incidents: Pick<IncidentStore, 'load' | 'commit' | 'ofRollback'>;
  notifier: Pick<IncidentNotifier, 'redraw'>;
}

/**
 * Traffic is back at shadow after rollback `rollbackId`: notes the time on the incident that started it
 * (the first time only) and redraws its notice. Returns the incident when this call noted the time.
 */
export async function stampShadow(deps: StampShadowDeps, rollbackId: string): Promise<Incident | undefined> {
  const id = await deps.incidents.ofRollback(rollbackId);
  if (!id) return undefined;
  const shadowAt = deps.ctx.now().toISOString();
  const result = await transitionIncident(deps, id, { type: 'shadow_reached', rollbackId, shadowAt });
  await deps.notifier.redraw(id);
  return result.outcome === 'applied' ? (result.incident ?? undefined) : undefined;
}
