import type { Incident } from './incident.js';
import type { Severity } from './rollout-event.js';

/** What a pager beyond Slack is told about an incident, in the order it happens. */
export type PageAction = 'trigger' | 'acknowledge' | 'resolve';

/**
 * Whether incidents of `severity` page responders beyond Slack. A BLOCKER rolled production back and a
 * CRITICAL holds every ramp, so someone has to look; a WARNING waits for the weekly review.
 */
export const pagesResponders = (severity: Severity): boolean => severity !== 'WARNING';

/**
 * Every pager action the incident has reached so far, first first: the trigger once it is open, then
 * the acknowledgement and the resolution once each is recorded. Sending them in this order (each once)
 * keeps the pager where the incident is. None for an incident that pages nobody.
 */
export function pageActionsDue(incident: Incident): PageAction[] {
  if (!pagesResponders(incident.severity)) return [];
  return [
    'trigger',
    ...(incident.acknowledged ? (['acknowledge'] as const) : []),
    ...(incident.resolvedAt ? (['resolve'] as const) : []),
  ];
}

/**
 * Why an action due when it was queued is no longer worth sending, or undefined to send it. A trigger
 * that reaches the pager after the incident resolved (the pager was down meanwhile) would wake someone
 * for nothing: its resolve is queued behind it, so the page is skipped instead.
 */
export function pageSkipReason(incident: Incident | null, action: PageAction): string | undefined {
  if (!incident) return 'incident_unknown';
  if (!pagesResponders(incident.severity)) return 'not_paged';
  if (action === 'trigger' && incident.resolvedAt) return 'resolved_before_paged';
  return undefined;
}
