import { describe, expect, it } from 'vitest';
import { decideIncident, type IncidentDecision, pageWaitMs } from '../../src/domain/decide-incident.js';
import type { Incident, NewIncident } from '../../src/domain/incident.js';
import type { IncidentEvent } from '../../src/domain/incident-event.js';
import type { RolloutPolicy } from '../../src/domain/policy.js';
import { INCIDENT } from '../support/incident.js';
import { POLICY, U_GOV, U_PO, U_RM, U_SRE, U_SRE2 } from './fixtures.js';

/** The example config's grants: on-call, release managers and governance may acknowledge. */
const ACK_POLICY: RolloutPolicy = {
  ...POLICY,
  permissions: { ...POLICY.permissions, acknowledge: ['sre_oncall', 'release_manager', 'governance_lead'] },
};

const RECEIVED = INCIDENT.receivedAt; // 2026-11-24T04:00:00.000Z
const at = (clock: string) => new Date(`2026-11-24T${clock}.000Z`);
const NOW = at('04:01:00');

/** The BLOCKER of test/support/incident.ts, as it is opened: rollback rb-1 accepted, not at shadow. */
const { id: _id, ...fields } = INCIDENT;
const OPENED: NewIncident = { id: 'inc-1', ...fields };
const failed = (rollbackId: string, code: string, retrying: boolean): IncidentEvent => ({
  type: 'rollback_failed',
  rollbackId,
  code,
  retrying,
});
const RETRYING = { code: 'traffic_controller_failed', at: NOW.toISOString(), retrying: true };
const CRITICAL: Incident = {
  ...INCIDENT,
  id: 'inc-2',
  alarm: 'determinism_variance',
  severity: 'CRITICAL',
  fromPct: 5,
  comparator: 'gt',
  threshold: 0.08,
};
const { rollbackId: _rollbackId, ...NO_ROLLBACK } = INCIDENT;

const acked = { ...INCIDENT, acknowledged: { by: U_SRE, at: '2026-11-24T04:00:30.000Z' } };
const paged = { ...INCIDENT, notice: { channel: 'C_INCIDENT', ts: '1.1' } };
const atShadow = { ...INCIDENT, shadowAt: '2026-11-24T04:00:02.500Z' };
const resolved = { ...INCIDENT, resolvedAt: '2026-11-24T04:10:00.000Z' };
const firing = { ...INCIDENT, instances: ['web-0', 'web-1'] };
const overridden = {
  ...CRITICAL,
  overridden: { by: U_GOV, at: '2026-11-24T04:02:00.000Z', reason: 'GOV-42' },
};

const ack = (actor: string): IncidentEvent => ({ type: 'acknowledge', actor, policy: ACK_POLICY });
const shadow = (rollbackId: string): IncidentEvent => ({
  type: 'shadow_reached',
  rollbackId,
  shadowAt: '2026-11-24T04:00:02.500Z',
});
const overrideBy = (actor: string): IncidentEvent => ({
  type: 'override',
  actor,
  reason: 'known flake, GOV-42',
  policy: ACK_POLICY,
});
const UNMATCHED: IncidentEvent = {
  type: 'alert_unmatched',
  status: 'firing',
  labels: { alertname: 'Mec_disk_full', mec_alarm: 'disk_full', mec_phase: 'M6' },
  annotations: { summary: 'disk 97% full' },
  startsAt: '2026-11-24T03:59:00.000Z',
};

type Row = [
  what: string,
  incident: Incident | null,
  event: IncidentEvent,
  now: Date,
  expected: Partial<IncidentDecision>,
];

const rows: Row[] = [
  [
    'opens an incident that is not there yet',
    null,
    { type: 'open_incident', incident: OPENED },
    NOW,
    { outcome: 'applied', reason: 'incident_opened', incident: { ...OPENED } },
  ],
  [
    'treats an incident opened twice (a re-sent alert) as one',
    acked,
    { type: 'open_incident', incident: OPENED },
    NOW,
    { outcome: 'noop', reason: 'duplicate', incident: null },
  ],
  [
    'opens an incident with the instances of the alerts that opened it',
    null,
    { type: 'open_incident', incident: { ...OPENED, instances: ['web-0', 'web-1'] } },
    NOW,
    {
      outcome: 'applied',
      reason: 'incident_opened',
      incident: { ...OPENED, instances: ['web-0', 'web-1'] },
    },
  ],
  [
    'folds alerts of the alarm into its open incident, each instance once',
    firing,
    { type: 'alert_folded', instances: ['web-1', 'web-2', 'web-2', 'web-3'] },
    NOW,
    {
      outcome: 'applied',
      reason: 'alert_folded',
      incident: { ...firing, instances: ['web-0', 'web-1', 'web-2', 'web-3'] },
      message: '2 more alerts of latency_slo_drop folded into incident inc-1: 4 in all.',
    },
  ],
  [
    'folds into an incident opened without instances (a soak trip)',
    INCIDENT,
    { type: 'alert_folded', instances: ['web-0'] },
    NOW,
    { outcome: 'applied', reason: 'alert_folded', incident: { ...INCIDENT, instances: ['web-0'] } },
  ],
  [
    'changes nothing when every instance folded in already',
    firing,
    { type: 'alert_folded', instances: ['web-0'] },
    NOW,
    { outcome: 'noop', reason: 'duplicate', incident: null },
  ],
  [
    'folds nothing into a resolved incident: the alarm fires anew',
    { ...resolved, instances: ['web-0'] },
    { type: 'alert_folded', instances: ['web-1'] },
    NOW,
    { outcome: 'noop', reason: 'already_resolved', incident: null },
  ],
  [
    'knows no incident to fold into when there is none',
    null,
    { type: 'alert_folded', instances: ['web-1'] },
    NOW,
    { outcome: 'noop', reason: 'incident_unknown', incident: null },
  ],
  [
    'records where the notice was posted',
    INCIDENT,
    { type: 'notice_posted', channel: 'C_INCIDENT', ts: '1.1' },
    NOW,
    { outcome: 'applied', reason: 'notice_posted', incident: paged },
  ],
  [
    'keeps the first notice when a second one is posted',
    paged,
    { type: 'notice_posted', channel: 'C_INCIDENT', ts: '2.2' },
    NOW,
    { outcome: 'noop', reason: 'duplicate', incident: null },
  ],
  [
    'records the first acknowledgement, who and when',
    INCIDENT,
    ack(U_SRE),
    NOW,
    {
      outcome: 'applied',
      reason: 'incident_acknowledged',
      incident: { ...INCIDENT, acknowledged: { by: U_SRE, at: NOW.toISOString() } },
      message: 'Acknowledged latency_slo_drop at 04:01:00 UTC.',
    },
  ],
  [
    'answers a later acknowledgement with who was first, changing nothing',
    acked,
    ack(U_SRE2),
    NOW,
    { outcome: 'noop', reason: 'duplicate', incident: null, message: `Already acknowledged by ${U_SRE}.` },
  ],
  [
    'refuses an acknowledgement from someone with no role that may acknowledge',
    INCIDENT,
    ack(U_PO),
    NOW,
    {
      outcome: 'refused',
      reason: 'not_permitted',
      incident: null,
      // It names who may, so the person knows whom to ask.
      message: `${U_PO} holds no role that may acknowledge incidents; it is granted to SRE On-Call (${U_SRE}, ${U_SRE2}), Release Manager (${U_RM}) and Governance Lead (${U_GOV}).`,
    },
  ],
  [
    'refuses someone not permitted even before the incident is looked for',
    null,
    ack(U_PO),
    NOW,
    { outcome: 'refused', reason: 'not_permitted', incident: null },
  ],
  [
    'knows no incident to acknowledge when there is none',
    null,
    ack(U_SRE),
    NOW,
    { outcome: 'noop', reason: 'incident_unknown', message: 'That incident is not known to mec-bot.' },
  ],
  [
    'still takes the acknowledgement of an incident that has resolved',
    resolved,
    ack(U_RM),
    NOW,
    { outcome: 'applied', reason: 'incident_acknowledged' },
  ],
  [
    'stamps the time traffic reached shadow, once',
    INCIDENT,
    shadow('rb-1'),
    NOW,
    {
      outcome: 'applied',
      reason: 'incident_at_shadow',
      incident: atShadow,
      message: 'Traffic reached shadow 2.5 s after the latency_slo_drop alert arrived.',
    },
  ],
  [
    'keeps the first shadow time when the rollback reports again',
    atShadow,
    { type: 'shadow_reached', rollbackId: 'rb-1', shadowAt: '2026-11-24T04:00:09.000Z' },
    NOW,
    { outcome: 'noop', reason: 'duplicate', incident: null },
  ],
  [
    'ignores shadow reached by a rollback the incident did not start',
    INCIDENT,
    shadow('rb-2'),
    NOW,
    { outcome: 'noop', reason: 'not_this_rollback', incident: null },
  ],
  [
    'ignores shadow reached for an incident that started no rollback',
    NO_ROLLBACK,
    shadow('rb-1'),
    NOW,
    { outcome: 'noop', reason: 'not_this_rollback', incident: null },
  ],
  [
    "notes a failed attempt of the incident's rollback, which is retried",
    INCIDENT,
    failed('rb-1', 'traffic_controller_failed', true),
    NOW,
    {
      outcome: 'applied',
      reason: 'incident_rollback_failed',
      incident: { ...INCIDENT, rollbackFailure: RETRYING },
      message: 'An attempt of rollback rb-1 failed (traffic_controller_failed); it is retried.',
    },
  ],
  [
    'notes a repeat of the same failed attempt once only',
    { ...INCIDENT, rollbackFailure: RETRYING },
    failed('rb-1', 'traffic_controller_failed', true),
    at('04:01:30'),
    { outcome: 'noop', reason: 'duplicate', incident: null },
  ],
  [
    'notes the last attempt failing, after failed attempts that were retried',
    { ...INCIDENT, rollbackFailure: RETRYING },
    failed('rb-1', 'traffic_controller_failed', false),
    at('04:02:00'),
    {
      outcome: 'applied',
      reason: 'incident_rollback_failed',
      incident: {
        ...INCIDENT,
        rollbackFailure: {
          code: 'traffic_controller_failed',
          at: '2026-11-24T04:02:00.000Z',
          retrying: false,
        },
      },
      message:
        'Rollback rb-1 failed (traffic_controller_failed) on its last attempt: traffic is not confirmed at shadow.',
    },
  ],
  [
    'ignores a failure once traffic is at shadow',
    atShadow,
    failed('rb-1', 'lock_timeout', true),
    NOW,
    { outcome: 'noop', reason: 'duplicate', incident: null },
  ],
  [
    'ignores the failure of a rollback the incident did not start',
    INCIDENT,
    failed('rb-2', 'lock_timeout', false),
    NOW,
    { outcome: 'noop', reason: 'not_this_rollback', incident: null },
  ],
  [
    'knows no incident whose rollback failed when there is none',
    null,
    failed('rb-1', 'lock_timeout', false),
    NOW,
    { outcome: 'noop', reason: 'incident_unknown', incident: null },
  ],
  [
    'resolves a BLOCKER and says so in the thread',
    atShadow,
    { type: 'resolve_incident' },
    at('04:10:00'),
    {
      outcome: 'applied',
      reason: 'incident_resolved',
      incident: { ...atShadow, resolvedAt: '2026-11-24T04:10:00.000Z' },
      followUp: '✅ latency_slo_drop resolved at 04:10:00 UTC.',
    },
  ],
  [
    'resolves a CRITICAL and says its deployment gate is closed',
    CRITICAL,
    { type: 'resolve_incident' },
    at('04:10:00'),
    {
      outcome: 'applied',
      reason: 'incident_resolved',
      followUp: '✅ determinism_variance resolved at 04:10:00 UTC. The deployment gate is closed.',
    },
  ],
  [
    "resolves an incident the bot's own evaluation saw clear, saying what it read",
    CRITICAL,
    { type: 'resolve_incident', clearedValue: 0.01 },
    at('04:10:00'),
    {
      outcome: 'applied',
      reason: 'incident_resolved',
      followUp: `✅ determinism_variance resolved at 04:10:00 UTC: mec-bot's own evaluation reads 0.01, no longer ${CRITICAL.comparator} ${CRITICAL.threshold}. The deployment gate is closed.`,
    },
  ],
  [
    'keeps an incident open while one of its alerts still fires',
    firing,
    { type: 'resolve_incident', instances: ['web-0'] },
    at('04:10:00'),
    {
      outcome: 'applied',
      reason: 'instance_resolved',
      incident: { ...firing, resolvedInstances: ['web-0'] },
      message: '1 of 2 alerts of latency_slo_drop resolved; 1 still firing, so incident inc-1 stays open.',
    },
  ],
  [
    'resolves the incident when its last firing alert resolves',
    { ...firing, resolvedInstances: ['web-0'] },
    { type: 'resolve_incident', instances: ['web-1'] },
    at('04:10:00'),
    { outcome: 'applied', reason: 'incident_resolved' },
  ],
  [
    'treats the same alert resolving again as a duplicate',
    { ...firing, resolvedInstances: ['web-0'] },
    { type: 'resolve_incident', instances: ['web-0'] },
    at('04:10:00'),
    { outcome: 'noop', reason: 'duplicate', incident: null },
  ],
  [
    'counts an alert that resolved and fires again as firing',
    { ...firing, resolvedInstances: ['web-0'] },
    { type: 'alert_folded', instances: ['web-0'] },
    NOW,
    { outcome: 'applied', reason: 'alert_folded', incident: { ...firing, resolvedInstances: [] } },
  ],
  [
    'treats a second resolution as a duplicate',
    resolved,
    { type: 'resolve_incident' },
    at('04:20:00'),
    { outcome: 'noop', reason: 'duplicate', incident: null },
  ],
  [
    'knows no incident to resolve when there is none (a WARNING opens none)',
    null,
    { type: 'resolve_incident' },
    NOW,
    { outcome: 'noop', reason: 'incident_unknown', incident: null },
  ],
  [
    'notes a permitted override of a CRITICAL gate, with who, when and why',
    CRITICAL,
    overrideBy(U_GOV),
    NOW,
    {
      outcome: 'applied',
      reason: 'gate_overridden',
      incident: {
        ...CRITICAL,
        overridden: { by: U_GOV, at: NOW.toISOString(), reason: 'known flake, GOV-42' },
      },
      followUp: `🔓 ${U_GOV} overrode the determinism_variance deployment gate: known flake, GOV-42`,
    },
  ],
  [
    'refuses an override from someone with no role that may override',
    CRITICAL,
    overrideBy(U_RM),
    NOW,
    { outcome: 'refused', reason: 'not_permitted', incident: null },
  ],
  [
    'refuses to override a BLOCKER: it holds no gate',
    INCIDENT,
    overrideBy(U_GOV),
    NOW,
    { outcome: 'refused', reason: 'gate_not_open', incident: null },
  ],
  [
    'refuses to override a CRITICAL that has resolved',
    { ...CRITICAL, resolvedAt: '2026-11-24T04:00:40.000Z' },
    overrideBy(U_GOV),
    NOW,
    { outcome: 'refused', reason: 'gate_not_open', incident: null },
  ],
  [
    'keeps the first override',
    overridden,
    overrideBy(U_GOV),
    NOW,
    { outcome: 'noop', reason: 'duplicate', incident: null },
  ],
  [
    'records an alert that maps to no alarm, opening no incident',
    null,
    UNMATCHED,
    NOW,
    {
      outcome: 'recorded',
      reason: 'alarm_unknown',
      incident: null,
      message:
        'The alert Mec_disk_full (mec_alarm disk_full, mec_phase M6) maps to no alarm of this phase; recorded, nobody paged.',
    },
  ],
];

describe('decideIncident', () => {
  it.each(rows)('%s', (_what, incident, event, now, expected) => {
    expect(decideIncident(incident, event, now)).toMatchObject(expected);
  });

  it.each(rows)(
    'gives the same decision again and leaves the input untouched: %s',
    (_w, incident, event, now) => {
      const before = structuredClone({ incident, event });
      expect(decideIncident(incident, event, now)).toEqual(decideIncident(incident, event, now));
      expect({ incident, event }).toEqual(before);
    },
  );

  const appliedRows = rows.filter(([, , , , expected]) => expected.outcome === 'applied');
  it.each(appliedRows)('changes nothing when the same event comes again: %s', (_w, incident, event, now) => {
    const once = decideIncident(incident, event, now);
    expect(decideIncident(once.incident, event, now)).toMatchObject({ outcome: 'noop', incident: null });
  });

  it('lets only the first of two acknowledgements land, whatever their order', () => {
    for (const [first, second] of [
      [U_SRE, U_RM],
      [U_RM, U_SRE],
    ] as const) {
      const once = decideIncident(INCIDENT, ack(first), NOW).incident;
      const twice = decideIncident(once, ack(second), at('04:01:05'));
      expect(twice).toMatchObject({ outcome: 'noop', message: `Already acknowledged by ${first}.` });
      expect(once?.acknowledged).toEqual({ by: first, at: NOW.toISOString() });
    }
  });

  it('times the rollback from the alert, not from when the report arrived', () => {
    const late = decideIncident(INCIDENT, shadow('rb-1'), at('05:00:00'));
    expect(late.incident?.shadowAt).toBe('2026-11-24T04:00:02.500Z');
    expect(Date.parse(late.incident?.shadowAt ?? '') - Date.parse(RECEIVED)).toBe(2_500);
  });
});

describe('pageWaitMs', () => {
  it.each([
    ['waits the whole deadline when the alert has just arrived', INCIDENT, at('04:00:00'), 2_000],
    ['waits the rest of the deadline', INCIDENT, new Date('2026-11-24T04:00:01.250Z'), 750],
    ['pages now once the deadline has passed, rollback or not', INCIDENT, at('04:00:02'), 0],
    ['pages now once the deadline is long past', INCIDENT, NOW, 0],
    [
      'pages now when traffic is at shadow',
      { ...INCIDENT, shadowAt: '2026-11-24T04:00:00.400Z' },
      at('04:00:00'),
      0,
    ],
    [
      'pages now when no rollback was started (a CRITICAL, or nothing to roll back)',
      NO_ROLLBACK,
      at('04:00:00'),
      0,
    ],
  ] as Array<[string, Incident, Date, number]>)('%s', (_what, incident, now, expectedMs) => {
    expect(pageWaitMs(incident, now, 2_000)).toBe(expectedMs);
  });
});
