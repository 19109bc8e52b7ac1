import type { Incident } from '../domain/incident.js';
import type { IncidentNotifier } from './ports/incident-notifier.js';
import type { IncidentStore } from './ports/incident-store.js';
import type { RolloutMetrics } from './ports/rollout-metrics.js';
import { type TransitionIncidentDeps, transitionIncident } from './transition-incident.js';

export interface NoteShadowDeps extends TransitionIncidentDeps {
  observe: Pick<RolloutMetrics, 'shadowReached'>;
}

export interface StampShadowDeps extends NoteShadowDeps {
  incidents: Pick<IncidentStore, 'load' | 'commit' | 'ofRollback'>;
  notifier: Pick<IncidentNotifier, 'page' | 'redraw'>;
}

/**
 * Notes on incident `id` that traffic was back at shadow at `shadowAt`, the first time only, and counts
 * the time from the alarm to shadow. Either side may get there first: the rollback's end, or an
 * incident stored after its rollback already finished. Returns the incident when this call noted it.
 */
export async function noteShadow(
  deps: NoteShadowDeps,
  id: string,
  rollbackId: string,
  shadowAt: string,
): Promise<Incident | undefined> {
  const result = await transitionIncident(deps, id, { type: 'shadow_reached', rollbackId, shadowAt });
  const incident = result.outcome === 'applied' ? result.incident : null;
  if (!incident?.shadowAt) return undefined;
  deps.observe.shadowReached((Date.parse(incident.shadowAt) - Date.parse(incident.receivedAt)) / 1_000);
  return incident;
}

/**
 * Traffic is back at shadow after rollback `rollbackId`: notes the time on the incident that started it
 * (the first time only), pages it now if its page was waiting for this, and redraws its notice if it was
 * paged already. Returns the incident when this call noted the time.
 */
export async function stampShadow(deps: StampShadowDeps, rollbackId: string): Promise<Incident | undefined> {
  const id = await deps.incidents.ofRollback(rollbackId);
  if (!id) return undefined;
  const noted = await noteShadow(deps, id, rollbackId, deps.ctx.now().toISOString());
  await deps.notifier.page(id);
  await deps.notifier.redraw(id);
  return noted;
}
