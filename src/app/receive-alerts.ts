import { createHash } from 'node:crypto';
import { pageWaitMs } from '../domain/decide-incident.js';
import { MecError } from '../domain/errors.js';
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
  /** How long after the alert a page may wait for its rollback to reach shadow, in milliseconds. */
  pageDeadlineMs: number;
}

export interface ReceiveSummary {
  received: number;
  duplicates: number;
  unknown: number;
}

const sha = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex');

/** How many times an alarm's incident may resolve under a batch before the batch gives up. */
const EPISODE_ROUNDS = 5;

/** What an alert is called on its incident: its `instance` label, or else its fingerprint. */
const instanceOf = (alert: ReceivedAlert) => alert.labels.instance || alert.fingerprint;

/** An alert whose delivery this call claimed, with the delivery's key. */
interface Claimed {
  alert: ReceivedAlert;
  delivery: string;
}

/** The alerts of a batch, in order: a matched alarm's alerts of one status together, the rest one by one. */
type Group =
  | { kind: 'alarm'; alarm: PagedAlarm; status: 'firing' | 'resolved'; claimed: Claimed[] }
  | { kind: 'unmatched'; claimed: [Claimed] };

/**
 * Takes a batch of alerts (Alertmanager's, mapped by its webhook). Each delivery (group key, fingerprint,
 * start, status) is claimed in one atomic step before it is acted on, so re-sends and concurrent copies
 * are no-ops; one whose acting failed is given back, so its re-send is acted on. An alert maps through
 * its `mec_alarm` and `mec_phase` labels to the alarm policy; one that maps to nothing is recorded, not
 * dropped. The alerts of one alarm are taken together: the alarm is applied once, first, so a BLOCKER's
 * rollback job is queued before anything is sent to Slack; then they open the alarm's incident and page,
 * or fold into it while it is open, without a page.
 */
export async function receiveAlerts(deps: ReceiveDeps, batch: AlertBatch): Promise<ReceiveSummary> {
  const summary: ReceiveSummary = { received: batch.alerts.length, duplicates: 0, unknown: 0 };
  const claims = await Promise.all(
    batch.alerts.map(async (alert) => {
      const delivery = sha(batch.groupKey, alert.fingerprint, alert.startsAt, alert.status);
      return { alert, delivery, claimed: await deps.incidents.claimDelivery(delivery) };
    }),
  );
  const taken = claims.filter((claim) => claim.claimed);
  summary.duplicates = claims.length - taken.length;
  const pending = new Set(taken.map((claim) => claim.delivery));
  try {
    for (const group of groupsOf(deps, taken)) {
      if (group.kind === 'unmatched') summary.unknown += 1;
      await act(deps, batch.groupKey, group);
      for (const { delivery } of group.claimed) {
        await deps.incidents.keepDelivery(delivery);
        pending.delete(delivery);
      }
    }
  } catch (error) {
    // What was acted on stays kept; the rest is given back, so Alertmanager's retry of the failed
    // request acts on it.
    await Promise.all([...pending].map((delivery) => deps.incidents.releaseDelivery(delivery)));
    throw error;
  }
  return summary;
}

async function act(deps: ReceiveDeps, groupKey: string, group: Group): Promise<void> {
  if (group.kind === 'unmatched') {
    const [{ alert }] = group.claimed;
    return recordUnmatched(deps, sha(groupKey, alert.fingerprint, alert.startsAt).slice(0, 16), alert);
  }
  const alerts = group.claimed.map((claim) => claim.alert);
  const text = alerts[0]?.annotations.summary ?? group.alarm.summary ?? group.alarm.name;
  if (group.status === 'firing') return fire(deps, group.alarm, alerts, text);
  return resolve(deps, group.alarm, text);
}

function groupsOf(deps: ReceiveDeps, claims: readonly Claimed[]): Group[] {
  const groups: Group[] = [];
  const byAlarm = new Map<string, Extract<Group, { kind: 'alarm' }>>();
  for (const claim of claims) {
    const { alert } = claim;
    const alarm = deps.alarms.find((candidate) => candidate.name === alert.labels.mec_alarm);
    if (!alarm || alert.labels.mec_phase !== deps.ctx.phase) {
      groups.push({ kind: 'unmatched', claimed: [claim] });
      continue;
    }
    const key = `${alarm.name}\n${alert.status}`;
    const group = byAlarm.get(key);
    if (group) group.claimed.push(claim);
    else {
      const created = { kind: 'alarm' as const, alarm, status: alert.status, claimed: [claim] };
      byAlarm.set(key, created);
      groups.push(created);
    }
  }
  return groups;
}

/** The alarm's current incident: one per alarm while it fires, a new one each time it fires anew. */
async function incidentIdOf(deps: ReceiveDeps, alarm: string): Promise<string> {
  const episode = await deps.incidents.episodeOf(deps.ctx.phase, alarm);
  return sha(deps.ctx.phase, alarm, String(episode)).slice(0, 16);
}

async function fire(
  deps: ReceiveDeps,
  alarm: PagedAlarm,
  alerts: readonly ReceivedAlert[],
  text: string,
): Promise<void> {
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
  // An alarm that did not land must not be taken as done: the claim is released, and the re-send acts.
  if (result.outcome === 'conflict')
    throw new MecError(
      'alarm_trip_conflict',
      `the ${alarm.name} alert did not land (${result.message}); its re-send acts`,
    );
  if (alarm.severity === 'WARNING') return;
  const reading = deps.metrics ? await deps.metrics.read(alarm, receivedAt) : undefined;
  const instances = [...new Set(alerts.map(instanceOf))];
  for (let round = 1; round <= EPISODE_ROUNDS; round++) {
    const raised = await raiseIncident(deps, {
      alarm,
      id: await incidentIdOf(deps, alarm.name),
      text,
      receivedAt,
      before,
      result,
      value: reading && 'value' in reading ? reading.value : null,
      instances,
    });
    // The incident resolved between the look-up and the fold: the alarm fires anew, in a new incident.
    if (raised !== 'already_resolved') return;
  }
  throw new MecError(
    'invariant_violated',
    `the ${alarm.name} incident resolved ${EPISODE_ROUNDS} times while its alerts were folded`,
  );
}

/**
 * Records and pages an incident for a BLOCKER or CRITICAL alarm the bot has just applied, whether it
 * came from Alertmanager or from the bot's own soak checks.
 */
export async function raiseIncident(
  deps: Pick<ReceiveDeps, 'ctx' | 'incidents' | 'notifier' | 'observe' | 'pageDeadlineMs'>,
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
  // An incident raised twice (a retried soak tick) opens once: the second open is a duplicate.
  const opened = await transitionIncident(deps, id, { type: 'open_incident', incident });
  if (opened.outcome !== 'applied' && raised.instances) {
    const folded = await transitionIncident(deps, id, { type: 'alert_folded', instances: raised.instances });
    if (folded.reason === 'already_resolved') return 'already_resolved';
    if (folded.outcome === 'applied') await deps.notifier.redraw(id);
    return 'folded';
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

async function resolve(deps: ReceiveDeps, alarm: PagedAlarm, text: string): Promise<void> {
  const applied = await apply(deps.ctx, {
    type: 'alarm',
    alarm: alarm.name,
    severity: alarm.severity,
    firing: false,
    summary: `${text} (resolved)`,
  });
  if (applied.outcome === 'conflict')
    throw new MecError(
      'alarm_trip_conflict',
      `the ${alarm.name} resolve did not land (${applied.message}); its re-send acts`,
    );
  const id = await incidentIdOf(deps, alarm.name);
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
