import type { IncidentNotifier } from './ports/incident-notifier.js';
import type { IncidentStore } from './ports/incident-store.js';
import { type TransitionIncidentDeps, transitionIncident } from './transition-incident.js';

export interface NoteRollbackFailureDeps extends TransitionIncidentDeps {
  incidents: Pick<IncidentStore, 'load' | 'commit' | 'ofRollback'>;
  notifier: Pick<IncidentNotifier, 'page' | 'redraw'>;
}

/**
 * An attempt of rollback `rollbackId` failed with `code`: notes it on the incident that started the
 * rollback and redraws its notice. When it was the last attempt, no shadow is coming, so a page still
 * waiting for it goes now, saying the rollback failed.
 */
export async function noteRollbackFailure(
  deps: NoteRollbackFailureDeps,
  failure: { rollbackId: string; code: string; retrying: boolean },
): Promise<void> {
  const id = await deps.incidents.ofRollback(failure.rollbackId);
  if (!id) return;
  const result = await transitionIncident(deps, id, { type: 'rollback_failed', ...failure });
  if (result.outcome !== 'applied') return;
  if (!failure.retrying) await deps.notifier.page(id);
  await deps.notifier.redraw(id);
}
