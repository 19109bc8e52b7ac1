import { formatDurationMs } from '../../../domain/duration.js';
import type { Incident } from '../../../domain/incident.js';
import { escapeSlackText } from '../escape-text.js';
import { ACTION, actionIdOf } from '../ids.js';
import type { SlackMessage } from './blocks.js';
import { actions, type Block, type Button, button, context, header, message, section } from './blocks.js';

const SYMBOL: Record<string, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤' };

/** What mec-bot did about the alarm, and how long it took, for the notice. */
function response(incident: Incident): string {
  if (incident.severity === 'CRITICAL') {
    if (incident.overridden)
      return `Deployment gate overridden by <@${incident.overridden.by}>: ${escapeSlackText(incident.overridden.reason)}`;
    return incident.resolvedAt
      ? 'The deployment gate held ramps until the alarm resolved.'
      : 'Deployment gate held: ramps are refused until this resolves, or a permitted role overrides it with a reason.';
  }
  if (incident.fromPct === 0)
    return 'Traffic was already at shadow (0%). Ramps are locked until every role approves again.';
  if (!incident.rollbackId && !incident.shadowAt)
    return `No rollback was started: the rollout was not in a state to roll back from ${incident.fromPct}%. Check traffic by hand and see the ledger.`;
  const failure = incident.rollbackFailure;
  if (!incident.shadowAt && failure && !failure.retrying)
    return `Rollback FAILED (${failure.code}) on its last attempt: traffic is not confirmed back from ${incident.fromPct}% to shadow. Roll back by hand (\`/mec rollback\`) and check the traffic controller.`;
  if (!incident.shadowAt && failure)
    return `Rollback still running: an attempt failed (${failure.code}) and is retried; traffic ${incident.fromPct}% → 0% (shadow) is not confirmed yet.`;
  // Paged at the deadline, before its rollback reached shadow: this notice is redrawn once it has.
  if (!incident.shadowAt)
    return `Rollback still running: traffic ${incident.fromPct}% → 0% (shadow) is not confirmed yet; this notice updates when it is.`;
  const seconds = (Date.parse(incident.shadowAt) - Date.parse(incident.receivedAt)) / 1_000;
  return `Rolled back: traffic ${incident.fromPct}% → 0% (shadow), ${seconds.toFixed(1)} s after the alert arrived. Ramps are locked until every role approves again.`;
}

/** How many instances the notice names before it only counts the rest. */
const INSTANCES_SHOWN = 10;

/** The alerts folded into the incident: how many, which instances (the first few), how many resolved. */
function alertsOf(instances: readonly string[], resolved: readonly string[]): string {
  const shown = instances.slice(0, INSTANCES_SHOWN).map(escapeSlackText).join(', ');
  const rest = instances.length - INSTANCES_SHOWN;
  const count = `${instances.length} alert${instances.length === 1 ? '' : 's'}`;
  const settled =
    resolved.length > 0
      ? ` ${resolved.length} resolved, ${instances.length - resolved.length} still firing.`
      : '';
  return `*${count}* of this alarm while it fires: ${shown}${rest > 0 ? `, and ${rest} more` : ''}.${settled}`;
}

/**
 * The pager-style notice in the incident channel: the alarm, its value against the threshold and
 * window, the phase, the alerts folded into it, what mec-bot did and how long it took, a mention of
 * on-call, and Acknowledge (and Override for a CRITICAL gate).
 */
export function incidentNotice(incident: Incident, oncallGroup: string | undefined): SlackMessage {
  const icon = incident.severity === 'BLOCKER' ? '🚨' : '⛔';
  const mention = oncallGroup ? `<!subteam^${oncallGroup}> ` : '';
  const value =
    incident.value === null ? 'unknown (the metrics source did not answer)' : String(incident.value);
  const blocks: Block[] = [
    header(`${icon} ${incident.severity} · ${incident.alarm} · ${incident.phase}`),
    section(
      `${mention}*${incident.alarm}* is ${value} against the threshold ${SYMBOL[incident.comparator] ?? incident.comparator} ${incident.threshold} over ${formatDurationMs(incident.windowMs)}.\n${escapeSlackText(incident.summary)}`,
    ),
    ...(incident.instances?.length
      ? [section(alertsOf(incident.instances, incident.resolvedInstances ?? []))]
      : []),
    section(`*What mec-bot did:* ${response(incident)}`),
    context(
      `Alert received ${incident.receivedAt.slice(11, 19)} UTC · incident ${incident.id}`,
      incident.acknowledged
        ? `Acknowledged by <@${incident.acknowledged.by}> at ${incident.acknowledged.at.slice(11, 19)} UTC`
        : 'Not acknowledged yet',
      incident.resolvedAt ? `Resolved at ${incident.resolvedAt.slice(11, 19)} UTC` : 'Still firing',
    ),
  ];
  const buttons: Button[] = [];
  if (!incident.acknowledged)
    buttons.push(button(ACTION.acknowledge, 'Acknowledge', { i: incident.id }, { style: 'primary' }));
  if (incident.severity === 'CRITICAL' && !incident.resolvedAt && !incident.overridden)
    buttons.push(
      button(actionIdOf(ACTION.override, incident.alarm), 'Override gate…', { gate: incident.alarm }),
    );
  if (buttons.length > 0) blocks.push(actions('mec_incident_actions', buttons));
  return message(
    `${incident.severity} ${incident.alarm} in ${incident.phase}: ${response(incident)}`,
    blocks,
  );
}
