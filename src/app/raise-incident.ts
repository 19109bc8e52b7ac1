import { pageWaitMs } from '../domain/decide-incident.js';
import type { NewIncident } from '../domain/incident.js';
import type { RolloutState } from '../domain/rollout-state.js';
import { foldAlerts } from './fold-alerts.js';
import type { IncidentNotifier } from './ports/incident-notifier.js';
import type { IncidentStore } from './ports/incident-store.js';
import type { QueriedAlarm } from './ports/metrics-source.js';
import type { RolloutMetrics } from './ports/rollout-metrics.js';
import type { RolloutContext } from './rollout-context.js';
import { noteShadow } from './stamp-shadow.js';
import type { TransitionResult } from './transition.js';
import { transitionIncident } from './transition-incident.js';

/** What paging needs of a configured alarm. `window` is in milliseconds. */
export interface PagedAlarm extends QueriedAlarm {
  window: number;
  summary?: string | undefined;
}

/** What raising an incident needs: the rollout, the incidents, who is paged, and the shadow timer. */
export interface RaiseDeps {
  ctx: RolloutContext;
  incidents: IncidentStore;
  notifier: IncidentNotifier;
  /** Counts the time from an alarm to traffic back at shadow. */
  observe: Pick<RolloutMetrics, 'shadowReached'>;
  /** How long after the alert a page may wait for its rollback to reach shadow, in milliseconds. */
  pageDeadlineMs: number;
}

/**
 * The open incident of the alarm's rollback: one under way, or one that finished at most `withinMs` ago
 * (the alarm's window, for a firing alert: later it is a new breach). The bot's own soak check may have
 * raised it before Alertmanager's alert came; the alert then folds into it, and resolves it, instead of
 * paging a second time for the same breach.
 */
export async function incidentOfRollback(
  deps: Pick<RaiseDeps, 'ctx' | 'incidents'>,
  alarm: PagedAlarm,
  state: RolloutState | null,
  withinMs: number,
): Promise<string | undefined> {
  const last = state?.lastRollback;
  const recent =
    last && deps.ctx.now().getTime() - Date.parse(last.finishedAt) <= withinMs ? last.rollbackId : undefined;
  const rollbackId = state?.rollback?.rollbackId ?? recent;
  return rollbackId ? openIncidentOf(deps, alarm, rollbackId) : undefined;
}

/** The incident that started `rollbackId`, while it is open and of the same alarm. */
async function openIncidentOf(
  deps: Pick<RaiseDeps, 'incidents'>,
  alarm: PagedAlarm,
  rollbackId: string,
): Promise<string | undefined> {
  const id = await deps.incidents.ofRollback(rollbackId);
  if (!id) return undefined;
  const { incident } = await deps.incidents.load(id);
  return incident?.alarm === alarm.name && !incident.resolvedAt ? id : undefined;
}

/**
 * Records and pages an incident for a BLOCKER or CRITICAL alarm the bot has just applied, whether it
 * came from Alertmanager or from the bot's own soak checks.
 */
export async function raiseIncident(
  deps: RaiseDeps,
  raised: {
    alarm: PagedAlarm;
    id: string;
    text: string;
    receivedAt: Date;
    before: RolloutState | null;
    result: TransitionResult;
    value: number | null;
    /** The alerts raising it; while the incident is open they fold into it instead of paging again. */
    instances?: readonly string[];
  },
): Promise<'opened' | 'folded' | 'already_resolved'> {
  const { ctx } = deps;
  const { alarm, id, result } = raised;
  const rollbackId =
    result.outcome !== 'conflict' &&
    result.effects.flatMap((effect) => (effect.kind === 'roll_back' ? [effect.rollbackId] : []))[0];
  const incident: NewIncident = {
    id,
    alarm: alarm.name,
    severity: alarm.severity,
    phase: ctx.phase,
    summary: raised.text,
    value: raised.value,
    comparator: alarm.comparator,
    threshold: alarm.threshold,
    windowMs: alarm.window,
    receivedAt: raised.receivedAt.toISOString(),
    fromPct: Math.max(raised.before?.trafficPct ?? 0, raised.before?.pendingRamp?.weightPct ?? 0),
    ...(rollbackId ? { rollbackId } : {}),
    ...(raised.instances ? { instances: [...raised.instances] } : {}),
  };
  // The rollback is someone else's incident already (Alertmanager's, raised before this soak trip): one
  // breach, one page.
  const owner = rollbackId ? await openIncidentOf(deps, alarm, rollbackId) : undefined;
  if (owner && owner !== id) {
    if (!raised.instances) return 'folded';
    await foldAlerts(deps, owner, raised.instances);
    return 'folded';
  }
  // An incident raised twice (a retried soak tick) opens once: the second open is a duplicate.
  const opened = await transitionIncident(deps, id, { type: 'open_incident', incident });
  if (opened.outcome !== 'applied' && raised.instances) {
    const folded = await foldAlerts(deps, id, raised.instances);
    return folded.reason === 'already_resolved' ? 'already_resolved' : 'folded';
  }
  // The rollback may have finished before the incident was stored: then its finish time is on the rollout.
  const { state } = await ctx.store.load(ctx.phase);
  const finished = state?.lastRollback;
  const noted =
    rollbackId && finished?.rollbackId === rollbackId
      ? await noteShadow(deps, id, rollbackId, finished.finishedAt)
      : undefined;
  // Shadow first: the page waits for the rollback's end (stampShadow sends it then), up to the deadline.
  const paged = noted ?? opened.incident ?? (await deps.incidents.load(id)).incident;
  await deps.notifier.page(id, paged ? pageWaitMs(paged, ctx.now(), deps.pageDeadlineMs) : 0);
  return 'opened';
}
