import { type PageAction, pageActionsDue, pageSkipReason } from '../domain/page-action.js';
import type { IncidentNotifier } from './ports/incident-notifier.js';
import type { IncidentStore } from './ports/incident-store.js';
import type { PageQueue } from './ports/page-queue.js';
import type { ResponderPager } from './ports/responder-pager.js';

/**
 * The incident notifier that also pages responders beyond Slack. Slack is told first, so the pager
 * never delays its notice. Every page and every redraw (which follows each acknowledgement and
 * resolution) queues the pager actions the incident has reached; those queued before are no-ops, so
 * the pager follows the incident without the use cases knowing it is there.
 */
export function pagingNotifier(
  slack: IncidentNotifier,
  deps: { incidents: Pick<IncidentStore, 'load'>; pages: PageQueue },
): IncidentNotifier {
  const follow = async (id: string) => {
    const { incident } = await deps.incidents.load(id);
    if (!incident) return;
    // One after another: the queue keeps the order they are added in.
    for (const action of pageActionsDue(incident)) await deps.pages.queue(id, action);
  };
  return {
    async page(id, waitMs) {
      await slack.page(id, waitMs);
      await follow(id);
    },
    async redraw(id) {
      await slack.redraw(id);
      await follow(id);
    },
    followUp: (id, text) => slack.followUp(id, text),
  };
}

/**
 * Sends one queued pager action of incident `id`, read fresh from the store. Returns what was done, for
 * the job's log: `sent`, or why nothing was.
 */
export async function sendPage(
  deps: { incidents: Pick<IncidentStore, 'load'>; pager: ResponderPager },
  id: string,
  action: PageAction,
): Promise<string> {
  const { incident } = await deps.incidents.load(id);
  const skipped = pageSkipReason(incident, action);
  if (skipped || !incident) return skipped ?? 'incident_unknown';
  await deps.pager.send(incident, action);
  return 'sent';
}
