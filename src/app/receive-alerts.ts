import { createHash } from 'node:crypto';
import type { NewIncident } from '../domain/incident.js';
import type { RolloutState } from '../domain/rollout-state.js';
import type { AlertBatch, ReceivedAlert } from './ports/alert-batch.js';
import type { IncidentNotifier } from './ports/incident-notifier.js';
import type { IncidentStore } from './ports/incident-store.js';
import type { MetricsSource, QueriedAlarm } from './ports/metrics-source.js';
import type { RolloutMetrics } from './ports/rollout-metrics.js';
import { apply, type RolloutContext } from './rollout-context.js';
import { noteShadow } from './stamp-shadow.js';
import type { TransitionResult } from './transition.js';
import { transitionIncident } from './transition-incident.js';

/** What paging needs of a configured alarm. `window` is in milliseconds. */
export interface PagedAlarm extends QueriedAlarm {
  window: number;
  summary?: string | undefined;
}

export interface ReceiveDeps {
  ctx: RolloutContext;
  alarms: readonly PagedAlarm[];
  incidents: IncidentStore;
  metrics: MetricsSource | undefined;
  notifier: IncidentNotifier;
  /** Counts the time from an alarm to traffic back at shadow. */
  observe: Pick<RolloutMetrics, 'shadowReached'>;
}

export interface ReceiveSummary {
  received: number;
  duplicates: number;
  unknown: number;
}

const sha = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex');

/**
 * Takes a batch of alerts (Alertmanager's, mapped by its webhook). Each delivery (group key, fingerprint,
 * start, status) is acted on once, so re-sends are no-ops. An alert maps through its `mec_alarm` and
 * `mec_phase` labels to the alarm policy; one that maps to nothing is recorded, not dropped. The alarm
 * is applied first, so a BLOCKER's rollback job is queued before anything is sent to Slack; then the
 * incident channel is paged.
 */
export async function receiveAlerts(deps: ReceiveDeps, batch: AlertBatch): Promise<ReceiveSummary> {
  const summary: ReceiveSummary = { received: batch.alerts.length, duplicates: 0, unknown: 0 };
  for (const alert of batch.alerts) {
    const delivery = sha(batch.groupKey, alert.fingerprint, alert.startsAt, alert.status);
    if (await deps.incidents.seen(delivery)) {
      summary.duplicates += 1;
      continue;
    }
    const id = sha(batch.groupKey, alert.fingerprint, alert.startsAt).slice(0, 16);
    const alarm = deps.alarms.find((candidate) => candidate.name === alert.labels.mec_alarm);
    if (!alarm || alert.labels.mec_phase !== deps.ctx.phase) {
      summary.unknown += 1;
      await recordUnmatched(deps, id, alert);
    } else {
      const text = alert.annotations.summary ?? alarm.summary ?? alarm.name;
      if (alert.status === 'firing') await fire(deps, alarm, id, text);
      else await resolve(deps, alarm, id, text);
    }
    // Marked seen only once acted on: a delivery that failed half-way is taken again when re-sent, and
    // taking one twice is harmless (the rollback and the page carry ids of their own).
    await deps.incidents.markSeen(delivery);
  }
  return summary;
}

async function fire(deps: ReceiveDeps, alarm: PagedAlarm, id: string, text: string): Promise<void> {
  const { ctx } = deps;
  const receivedAt = ctx.now();
  const before = (await ctx.store.load(ctx.phase)).state;
  const result = await apply(ctx, {
    type: 'alarm',
    alarm: alarm.name,
    severity: alarm.severity,
    firing: true,
    summary: `${text} (Alertmanager)`,
  });
  if (alarm.severity === 'WARNING') return;
  const reading = deps.metrics ? await deps.metrics.read(alarm, receivedAt) : undefined;
  await raiseIncident(deps, {
    alarm,
    id,
    text,
    receivedAt,
    before,
    result,
    value: reading && 'value' in reading ? reading.value : null,
  });
}

/**
 * Records and pages an incident for a BLOCKER or CRITICAL alarm the bot has just applied, whether it
 * came from Alertmanager or from the bot's own soak checks.
 */
export async function raiseIncident(
  deps: Pick<ReceiveDeps, 'ctx' | 'incidents' | 'notifier' | 'observe'>,
  raised: {
    alarm: PagedAlarm;
    id: string;
    text: string;
    receivedAt: Date;
    before: RolloutState | null;
    result: TransitionResult;
    value: number | null;
  },
): Promise<void> {
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
  };
  // An alert taken twice (re-sent at once) opens the incident once: the second open is a duplicate.
  await transitionIncident(deps, id, { type: 'open_incident', incident });
  // The rollback may have finished before the incident was stored: then its finish time is on the rollout.
  const { state } = await ctx.store.load(ctx.phase);
  const finished = state?.lastRollback;
  if (rollbackId && finished?.rollbackId === rollbackId) {
    await noteShadow(deps, id, rollbackId, finished.finishedAt);
  }
  await deps.notifier.page(id);
}

async function resolve(deps: ReceiveDeps, alarm: PagedAlarm, id: string, text: string): Promise<void> {
  await apply(deps.ctx, {
    type: 'alarm',
    alarm: alarm.name,
    severity: alarm.severity,
    firing: false,
    summary: `${text} (resolved)`,
  });
  const result = await transitionIncident(deps, id, { type: 'resolve_incident' });
  if (result.outcome !== 'applied') return;
  if (result.followUp) await deps.notifier.followUp(id, result.followUp);
  await deps.notifier.redraw(id);
}

/** An alert that maps to no alarm of the phase is recorded, not dropped; nobody is paged. */
async function recordUnmatched(deps: ReceiveDeps, id: string, alert: ReceivedAlert): Promise<void> {
  const { status, labels, annotations, startsAt } = alert;
  await transitionIncident(deps, id, { type: 'alert_unmatched', status, labels, annotations, startsAt });
}
