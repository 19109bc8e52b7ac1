import type { Incident } from './incident.js';
import type { IncidentEvent } from './incident-event.js';
import { isPermitted, whoMay } from './policy.js';
import type { ReasonCode, RefusalReason } from './reason.js';

/**
 * What decideIncident() concluded. The outcomes mean what they mean for a rollout's Decision:
 * - `applied`: store `incident` and record the decision;
 * - `recorded`: nothing to store, but the ledger notes the event (an alert that maps to no alarm);
 * - `refused`: a permission or a rule held; the ledger records the denied attempt;
 * - `noop`: a duplicate, or a report about an incident that is not there; nothing is stored or recorded.
 */
export interface IncidentDecision {
  outcome: 'applied' | 'recorded' | 'refused' | 'noop';
  /** The next incident, when `applied`; null otherwise, as there is nothing to store. */
  incident: Incident | null;
  reason: ReasonCode;
  /** One sentence for people; a refusal says what held. */
  message: string;
  /** Text for the notice's thread, posted once the decision is committed. */
  followUp?: string;
}

type Of<T extends IncidentEvent['type']> = Extract<IncidentEvent, { type: T }>;

/**
 * The one transition function of an incident. Pure: the same incident, event and `now` always give the
 * same decision, and the input is never modified. Each fact is set once and the first one wins: a second
 * acknowledgement, notice or shadow report changes nothing.
 */
export function decideIncident(incident: Incident | null, event: IncidentEvent, now: Date): IncidentDecision {
  switch (event.type) {
    case 'open_incident':
      if (incident) return noop('duplicate', `incident ${incident.id} is already open.`);
      return applied(
        { ...event.incident },
        'incident_opened',
        `${event.incident.severity} ${event.incident.alarm} opened incident ${event.incident.id}.`,
      );
    case 'alert_folded':
      return fold(incident, event);
    case 'notice_posted':
      return noticePosted(incident, event);
    case 'acknowledge':
      return acknowledge(incident, event, now);
    case 'shadow_reached':
      return shadowReached(incident, event);
    case 'rollback_failed':
      return rollbackFailed(incident, event, now);
    case 'resolve_incident':
      return resolve(incident, event, now);
    case 'override':
      return override(incident, event, now);
    case 'alert_unmatched':
      return {
        outcome: 'recorded',
        incident: null,
        reason: 'alarm_unknown',
        message: `The alert ${event.labels.alertname ?? '(unnamed)'} (mec_alarm ${event.labels.mec_alarm ?? 'unset'}, mec_phase ${event.labels.mec_phase ?? 'unset'}) maps to no alarm of this phase; recorded, nobody paged.`,
      };
  }
}

function fold(incident: Incident | null, event: Of<'alert_folded'>): IncidentDecision {
  if (!incident) return unknown();
  // A resolved incident stays closed: alerts that fire after it are a new incident, paged anew.
  if (incident.resolvedAt)
    return noop('already_resolved', `incident ${incident.id} is resolved; the alarm fires anew.`);
  const known = new Set(incident.instances);
  const added = [...new Set(event.instances)].filter((instance) => !known.has(instance));
  // An instance that resolved and fires again counts as firing again, in its old place.
  const refiring = new Set(event.instances);
  const resolvedBefore = incident.resolvedInstances ?? [];
  const resolvedInstances = resolvedBefore.filter((instance) => !refiring.has(instance));
  if (added.length === 0 && resolvedInstances.length === resolvedBefore.length)
    return noop('duplicate', `every alert was folded into incident ${incident.id} already.`);
  const instances = [...(incident.instances ?? []), ...added];
  return applied(
    { ...incident, instances, ...(incident.resolvedInstances ? { resolvedInstances } : {}) },
    'alert_folded',
    `${added.length} more alert${added.length === 1 ? '' : 's'} of ${incident.alarm} folded into incident ${incident.id}: ${instances.length} in all.`,
  );
}

function noticePosted(incident: Incident | null, event: Of<'notice_posted'>): IncidentDecision {
  if (!incident) return unknown();
  // Only the first notice is kept current; a second post (two pages at once) is left as it is.
  if (incident.notice) return noop('duplicate', `incident ${incident.id} is already paged.`);
  return applied(
    { ...incident, notice: { channel: event.channel, ts: event.ts } },
    'notice_posted',
    `Incident ${incident.id} paged in ${event.channel}.`,
  );
}

function acknowledge(incident: Incident | null, event: Of<'acknowledge'>, now: Date): IncidentDecision {
  const { actor } = event;
  if (!isPermitted(event.policy, actor, 'acknowledge'))
    return refused(
      'not_permitted',
      `${actor} holds no role that may acknowledge incidents; ${whoMay(event.policy, 'acknowledge')}.`,
    );
  if (!incident) return unknown();
  if (incident.acknowledged) return noop('duplicate', `Already acknowledged by ${incident.acknowledged.by}.`);
  const at = now.toISOString();
  return applied(
    { ...incident, acknowledged: { by: actor, at } },
    'incident_acknowledged',
    `Acknowledged ${incident.alarm} at ${clockOf(at)}.`,
  );
}

/** A report of a rollback the incident did not start, or of one already at shadow, changes nothing. */
function staleRollbackReport(incident: Incident, rollbackId: string): IncidentDecision | undefined {
  if (incident.rollbackId !== rollbackId)
    return noop(
      'not_this_rollback',
      `rollback ${rollbackId} is not the one incident ${incident.id} started.`,
    );
  if (incident.shadowAt) return noop('duplicate', `incident ${incident.id} was at shadow already.`);
  return undefined;
}

function shadowReached(incident: Incident | null, event: Of<'shadow_reached'>): IncidentDecision {
  if (!incident) return unknown();
  const stale = staleRollbackReport(incident, event.rollbackId);
  if (stale) return stale;
  const seconds = (Date.parse(event.shadowAt) - Date.parse(incident.receivedAt)) / 1_000;
  return applied(
    { ...incident, shadowAt: event.shadowAt },
    'incident_at_shadow',
    `Traffic reached shadow ${seconds.toFixed(1)} s after the ${incident.alarm} alert arrived.`,
  );
}

function rollbackFailed(
  incident: Incident | null,
  event: Of<'rollback_failed'>,
  now: Date,
): IncidentDecision {
  if (!incident) return unknown();
  const stale = staleRollbackReport(incident, event.rollbackId);
  if (stale) return stale;
  const known = incident.rollbackFailure;
  // Every attempt may fail alike: the first such failure is noted, the repeats are not.
  if (known && known.code === event.code && known.retrying === event.retrying)
    return noop(
      'duplicate',
      `the rollback's ${event.code} failure is noted on incident ${incident.id} already.`,
    );
  const { code, retrying } = event;
  return applied(
    { ...incident, rollbackFailure: { code, at: now.toISOString(), retrying } },
    'incident_rollback_failed',
    retrying
      ? `An attempt of rollback ${event.rollbackId} failed (${code}); it is retried.`
      : `Rollback ${event.rollbackId} failed (${code}) on its last attempt: traffic is not confirmed at shadow.`,
  );
}

function resolve(incident: Incident | null, event: Of<'resolve_incident'>, now: Date): IncidentDecision {
  if (!incident) return unknown();
  if (incident.resolvedAt) return noop('duplicate', `incident ${incident.id} is resolved already.`);
  const partly =
    event.instances && incident.instances ? resolveInstances(incident, event.instances) : undefined;
  if (partly) return partly;
  const resolvedAt = now.toISOString();
  const gate = incident.severity === 'CRITICAL' ? ' The deployment gate is closed.' : '';
  const reading =
    event.clearedValue === undefined
      ? ''
      : `: mec-bot's own evaluation reads ${event.clearedValue}, no longer ${incident.comparator} ${incident.threshold}`;
  const message = `${incident.alarm} resolved at ${clockOf(resolvedAt)}${reading}.${gate}`;
  return { ...applied({ ...incident, resolvedAt }, 'incident_resolved', message), followUp: `✅ ${message}` };
}

/**
 * Some of an incident's alerts resolved: while any other still fires the incident stays open, and so does
 * its gate. Undefined when none is left firing, and the incident resolves.
 */
function resolveInstances(incident: Incident, instances: readonly string[]): IncidentDecision | undefined {
  const resolved = new Set([...(incident.resolvedInstances ?? []), ...instances]);
  const firing = (incident.instances ?? []).filter((instance) => !resolved.has(instance));
  if (firing.length === 0) return undefined;
  const resolvedInstances = (incident.instances ?? []).filter((instance) => resolved.has(instance));
  if (resolvedInstances.length === (incident.resolvedInstances ?? []).length)
    return noop('duplicate', `those alerts of incident ${incident.id} resolved already.`);
  return applied(
    { ...incident, resolvedInstances },
    'instance_resolved',
    `${resolvedInstances.length} of ${incident.instances?.length} alerts of ${incident.alarm} resolved; ${firing.length} still firing, so incident ${incident.id} stays open.`,
  );
}

function override(incident: Incident | null, event: Of<'override'>, now: Date): IncidentDecision {
  const { actor, reason } = event;
  if (!isPermitted(event.policy, actor, 'override'))
    return refused(
      'not_permitted',
      `${actor} holds no role that may override a gate; ${whoMay(event.policy, 'override')}.`,
    );
  if (!incident) return unknown();
  if (incident.severity !== 'CRITICAL' || incident.resolvedAt)
    return refused('gate_not_open', `incident ${incident.id} holds no open deployment gate to override.`);
  if (incident.overridden)
    return noop(
      'duplicate',
      `the ${incident.alarm} gate is overridden already, by ${incident.overridden.by}.`,
    );
  const message = `${actor} overrode the ${incident.alarm} deployment gate: ${reason}`;
  return {
    ...applied(
      { ...incident, overridden: { by: actor, at: now.toISOString(), reason } },
      'gate_overridden',
      message,
    ),
    followUp: `🔓 ${message}`,
  };
}

/**
 * How long the page of `incident` may still wait, in milliseconds from `now` (0: page now). A page waits
 * for its rollback to have traffic at shadow, so that it never comes before it, but never longer than
 * `deadlineMs` after the alert arrived. An incident that started no rollback, is at shadow, or whose
 * rollback failed for good, pages now.
 */
export function pageWaitMs(incident: Incident, now: Date, deadlineMs: number): number {
  if (!incident.rollbackId || incident.shadowAt) return 0;
  // A rollback out of attempts will not reach shadow: waiting for it only delays the page.
  if (incident.rollbackFailure && !incident.rollbackFailure.retrying) return 0;
  return Math.max(0, Date.parse(incident.receivedAt) + deadlineMs - now.getTime());
}

const clockOf = (iso: string) => `${iso.slice(11, 19)} UTC`;

const applied = (incident: Incident, reason: ReasonCode, message: string): IncidentDecision => ({
  outcome: 'applied',
  incident,
  reason,
  message,
});

const refused = (reason: RefusalReason, message: string): IncidentDecision => ({
  outcome: 'refused',
  incident: null,
  reason,
  message,
});

const noop = (reason: ReasonCode, message: string): IncidentDecision => ({
  outcome: 'noop',
  incident: null,
  reason,
  message,
});

const unknown = () => noop('incident_unknown', 'That incident is not known to mec-bot.');
