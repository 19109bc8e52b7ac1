import { createHash } from 'node:crypto';
import type { AlertmanagerPayload } from '../adapters/http/alertmanager-webhook.js';
import type { Incident, RedisIncidents } from '../adapters/redis/redis-incidents.js';
import type { AlarmConfig } from '../config/config-schema.js';
import { SYSTEM_ACTOR } from '../domain/ledger-entry.js';
import type { RolloutState } from '../domain/rollout-state.js';
import type { MetricsSource } from './ports/metrics-source.js';
import { apply, type RolloutContext } from './rollout-context.js';
import type { TransitionResult } from './transition.js';

/** Tells the incident channel: pages a new incident, redraws its notice, follows up in its thread. */
export interface IncidentNotifier {
  page(incidentId: string): Promise<void>;
  redraw(incidentId: string): Promise<void>;
  followUp(incidentId: string, text: string): Promise<void>;
}

export interface ReceiveDeps {
  ctx: RolloutContext;
  alarms: readonly AlarmConfig[];
  incidents: RedisIncidents;
  metrics: MetricsSource | undefined;
  notifier: IncidentNotifier;
}

export interface ReceiveSummary {
  received: number;
  duplicates: number;
  unknown: number;
}

const sha = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex');

/**
 * Takes Alertmanager's alerts. Each delivery (group key, fingerprint, start, status) is acted on once, so
 * re-sends are no-ops. An alert maps through its `mec_alarm` and `mec_phase` labels to the alarm policy;
 * one that maps to nothing is recorded, not dropped. The alarm is applied first, so a BLOCKER's rollback
 * job is queued before anything is sent to Slack; then the incident channel is paged.
 */
export async function receiveAlerts(
  deps: ReceiveDeps,
  payload: AlertmanagerPayload,
): Promise<ReceiveSummary> {
  const summary: ReceiveSummary = { received: payload.alerts.length, duplicates: 0, unknown: 0 };
  for (const alert of payload.alerts) {
    const delivery = sha(payload.groupKey, alert.fingerprint, alert.startsAt, alert.status);
    if (await deps.incidents.seen(delivery)) {
      summary.duplicates += 1;
      continue;
    }
    const alarm = deps.alarms.find((candidate) => candidate.name === alert.labels.mec_alarm);
    if (!alarm || alert.labels.mec_phase !== deps.ctx.phase) {
      summary.unknown += 1;
      await recordUnknown(deps.ctx, alert);
    } else {
      const id = sha(payload.groupKey, alert.fingerprint, alert.startsAt).slice(0, 16);
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

async function fire(deps: ReceiveDeps, alarm: AlarmConfig, id: string, text: string): Promise<void> {
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
  deps: Pick<ReceiveDeps, 'ctx' | 'incidents' | 'notifier'>,
  raised: {
    alarm: AlarmConfig;
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
  const incident: Incident = {
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
  await deps.incidents.save(incident);
  await deps.incidents.remember(id);
  // The rollback may have finished before the incident was saved: then its finish time is on the rollout.
  const { state } = await ctx.store.load(ctx.phase);
  const finished = state?.lastRollback;
  if (rollbackId && finished?.rollbackId === rollbackId) {
    await deps.incidents.update(id, (current) => ({ ...current, shadowAt: finished.finishedAt }));
  }
  await deps.notifier.page(id);
}

async function resolve(deps: ReceiveDeps, alarm: AlarmConfig, id: string, text: string): Promise<void> {
  const { ctx } = deps;
  await apply(ctx, {
    type: 'alarm',
    alarm: alarm.name,
    severity: alarm.severity,
    firing: false,
    summary: `${text} (resolved)`,
  });
  const resolvedAt = ctx.now().toISOString();
  const incident = await deps.incidents.update(id, (current) => ({ ...current, resolvedAt }));
  if (!incident) return;
  const gate = alarm.severity === 'CRITICAL' ? ' The deployment gate is closed.' : '';
  await deps.notifier.followUp(id, `✅ ${alarm.name} resolved at ${resolvedAt.slice(11, 19)} UTC.${gate}`);
  await deps.notifier.redraw(id);
}

async function recordUnknown(
  ctx: RolloutContext,
  alert: AlertmanagerPayload['alerts'][number],
): Promise<void> {
  await ctx.ledger.append({
    v: 1,
    at: ctx.now().toISOString(),
    phase: ctx.phase,
    rolloutId: null,
    actor: SYSTEM_ACTOR,
    action: 'alarm',
    outcome: 'recorded',
    reason: 'alarm_unknown',
    before: null,
    after: null,
    detail: {
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
    },
  });
}
