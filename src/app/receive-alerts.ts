import { createHash } from 'node:crypto';
import { MecError } from '../domain/errors.js';
import type { InProcessRollbacks } from './in-process-rollbacks.js';
import { observeTraffic } from './observe-traffic.js';
import type { AlertBatch, ReceivedAlert } from './ports/alert-batch.js';
import type { MetricsSource } from './ports/metrics-source.js';
import { incidentOfRollback, type PagedAlarm, type RaiseDeps, raiseIncident } from './raise-incident.js';
import { apply } from './rollout-context.js';
import { transitionIncident } from './transition-incident.js';

export interface ReceiveDeps extends RaiseDeps {
  alarms: readonly PagedAlarm[];
  metrics: MetricsSource | undefined;
  /** Where a BLOCKER's rollback starts at once, in this process; without, only its job carries it out. */
  rollbacks?: Pick<InProcessRollbacks, 'start'>;
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
 * Acts on a batch of alerts, as the alert worker does with each batch the webhook queued (`takeAlerts`).
 * Each delivery (group key, fingerprint, start, status) is claimed for `owner`, the job, in one atomic
 * step before it is acted on, so re-sends and concurrent copies are no-ops, and the job's retry after
 * its worker died takes up its own claims; one whose acting failed is given back before the failure is
 * thrown, so the retry acts on it. An alert maps through its `mec_alarm` and `mec_phase` labels to the
 * alarm policy; one that maps to nothing is recorded, not dropped. The alerts of one alarm are taken
 * together: the alarm is applied once, first, so a BLOCKER's rollback is under way (here, and as a
 * queued job) before anything is sent to Slack; then they open the alarm's incident and page, or fold
 * into it while it is open, without a page.
 */
export async function receiveAlerts(
  deps: ReceiveDeps,
  batch: AlertBatch,
  owner: string,
): Promise<ReceiveSummary> {
  const summary: ReceiveSummary = { received: batch.alerts.length, duplicates: 0, unknown: 0 };
  const claims = await claimAll(deps, batch, owner);
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
    // What was acted on stays kept; the rest is given back, so the job's retry acts on it.
    await Promise.all([...pending].map((delivery) => deps.incidents.releaseDelivery(delivery)));
    throw error;
  }
  return summary;
}

/** The key that names one delivery of an alert: its group, fingerprint, start and status. */
export const deliveryOf = (groupKey: string, alert: ReceivedAlert) =>
  sha(groupKey, alert.fingerprint, alert.startsAt, alert.status);

/**
 * Claims every delivery of the batch for `owner`. When one claim fails, those that succeeded are given
 * back before the failure is thrown: held, they would make the retry take the alerts for another
 * owner's, and they would never be acted on.
 */
async function claimAll(deps: ReceiveDeps, batch: AlertBatch, owner: string) {
  const attempts = batch.alerts.map(async (alert) => {
    const delivery = deliveryOf(batch.groupKey, alert);
    return { alert, delivery, claimed: await deps.incidents.claimDelivery(delivery, owner) };
  });
  try {
    return await Promise.all(attempts);
  } catch (error) {
    // Promise.all rejects at the first failure while other claims may still run: all are waited for.
    const settled = await Promise.allSettled(attempts);
    await Promise.allSettled(
      settled.flatMap((outcome) =>
        outcome.status === 'fulfilled' && outcome.value.claimed
          ? [deps.incidents.releaseDelivery(outcome.value.delivery)]
          : [],
      ),
    );
    throw error;
  }
}

async function act(deps: ReceiveDeps, groupKey: string, group: Group): Promise<void> {
  if (group.kind === 'unmatched') {
    const [{ alert }] = group.claimed;
    return recordUnmatched(deps, sha(groupKey, alert.fingerprint, alert.startsAt).slice(0, 16), alert);
  }
  const alerts = group.claimed.map((claim) => claim.alert);
  const text = alerts[0]?.annotations.summary ?? group.alarm.summary ?? group.alarm.name;
  if (group.status === 'firing') return fire(deps, group.alarm, alerts, text);
  return resolve(deps, group.alarm, alerts, text);
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
  const { ctx, rollbacks } = deps;
  const receivedAt = ctx.now();
  // A BLOCKER goes by the weight the registry serves: with the record lost, the recovered one rolls back.
  const observed = alarm.severity === 'BLOCKER' ? await observeTraffic(ctx) : undefined;
  // A record that agreed with the registry is the rollout as it was loaded: the alarm decides on it
  // (its commit checks the version) rather than loading it twice more.
  const loaded =
    observed?.outcome === 'noop'
      ? { state: observed.state, version: observed.version }
      : await ctx.store.load(ctx.phase);
  const before = loaded.state;
  const event = {
    type: 'alarm' as const,
    alarm: alarm.name,
    severity: alarm.severity,
    firing: true,
    summary: `${text} (Alertmanager)`,
  };
  // The rollback starts here the moment it is accepted, before its job is queued; the job is its retry.
  const result = await apply(ctx, event, {
    loaded,
    ...(rollbacks ? { beforeDelivery: rollbacks.start } : {}),
  });
  // An alarm that did not land must not be taken as done: the claim is released, and the retry acts.
  if (result.outcome === 'conflict')
    throw new MecError(
      'alarm_trip_conflict',
      `the ${alarm.name} alert did not land (${result.message}); its retry acts`,
    );
  if (alarm.severity === 'WARNING') return;
  const reading = deps.metrics ? await deps.metrics.read(alarm, receivedAt) : undefined;
  const instances = [...new Set(alerts.map(instanceOf))];
  for (let round = 1; round <= EPISODE_ROUNDS; round++) {
    const raised = await raiseIncident(deps, {
      alarm,
      id:
        (await incidentOfRollback(deps, alarm, result.state, alarm.window)) ??
        (await incidentIdOf(deps, alarm.name)),
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
 * Resolved alerts resolve the alarm's incident once none of its alerts still fires; only then does the
 * alarm resolve on the rollout, closing a CRITICAL gate. An incident resolved already (a re-send after a
 * failure), or none at all (a WARNING), resolves the alarm at once.
 */
async function resolve(
  deps: ReceiveDeps,
  alarm: PagedAlarm,
  alerts: readonly ReceivedAlert[],
  text: string,
): Promise<void> {
  const { state } = await deps.ctx.store.load(deps.ctx.phase);
  const id =
    (await incidentOfRollback(deps, alarm, state, Number.POSITIVE_INFINITY)) ??
    (await incidentIdOf(deps, alarm.name));
  const instances = [...new Set(alerts.map(instanceOf))];
  const result = await transitionIncident(deps, id, { type: 'resolve_incident', instances });
  if (result.outcome === 'applied') {
    if (result.followUp) await deps.notifier.followUp(id, result.followUp);
    await deps.notifier.redraw(id);
  }
  if (result.reason === 'instance_resolved') return;
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
      `the ${alarm.name} resolve did not land (${applied.message}); its retry acts`,
    );
}

/** An alert that maps to no alarm of the phase is recorded, not dropped; nobody is paged. */
async function recordUnmatched(deps: ReceiveDeps, id: string, alert: ReceivedAlert): Promise<void> {
  const { status, labels, annotations, startsAt } = alert;
  await transitionIncident(deps, id, { type: 'alert_unmatched', status, labels, annotations, startsAt });
}
