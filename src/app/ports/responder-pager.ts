import type { Incident } from '../../domain/incident.js';
import type { PageAction } from '../../domain/page-action.js';

/**
 * A pager beyond Slack (PagerDuty). The incident's id correlates every action of one incident there,
 * so a repeated action changes nothing. Throws a MecError when the pager did not take the action:
 * `pager_rate_limited` and `pager_unreachable` are worth retrying, `pager_refused` is not.
 */
export interface ResponderPager {
  send(incident: Incident, action: PageAction): Promise<void>;
}
