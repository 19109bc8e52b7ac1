import type { PageAction } from '../../domain/page-action.js';

/**
 * Where pager actions wait for the pager, in the order they are queued. Queueing an action of an
 * incident a second time adds nothing. Only the incident's id and the action are queued: the worker
 * reads the rest, and its credentials, itself.
 */
export interface PageQueue {
  queue(incidentId: string, action: PageAction): Promise<void>;
}
