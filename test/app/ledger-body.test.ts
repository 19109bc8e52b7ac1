import { describe, expect, it } from 'vitest';
import { incidentLedgerBody, ledgerBody, registryBody } from '../../src/app/ledger-body.js';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import { decide } from '../../src/domain/decide.js';
import { decideIncident } from '../../src/domain/decide-incident.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import { sha256Hex } from '../../src/domain/sha256.js';
import {
  minutes,
  POLICY,
  ROOT_A,
  rampEvent,
  readyState,
  smokedState,
  startEvent,
  T0,
  U_OUT,
  U_SEC,
  U_SRE,
} from '../domain/fixtures.js';
import { INCIDENT } from '../support/incident.js';

describe('ledgerBody', () => {
  it('records who asked for what, the outcome and its reason, the rollout before and after, and the facts', () => {
    const before = smokedState();
    const event: RolloutEvent = {
      type: 'approve',
      actor: U_SEC,
      roleId: 'security_officer',
      artifactRoot: ROOT_A,
    };
    const decision = decide(before, event, minutes(33));
    const body = ledgerBody('M6', event, before, decision, minutes(33));
    expect(body).toEqual({
      v: 1,
      at: minutes(33).toISOString(),
      phase: 'M6',
      rolloutId: 'R1',
      actor: U_SEC,
      action: 'approve',
      outcome: 'applied',
      reason: 'approval_recorded',
      before: { rolloutId: 'R1', stage: 'go_no_go', status: 'active', trafficPct: 0 },
      after: { rolloutId: 'R1', stage: 'go_no_go', status: 'active', trafficPct: 0 },
      detail: {
        request: { roleId: 'security_officer', artifactRoot: ROOT_A },
        message: decision.message,
        facts: decision.detail,
      },
    });
  });

  it('records the digest of the policy a rollout starts under, not the policy', () => {
    const body = ledgerBody('M6', startEvent(), null, decide(null, startEvent(), T0), T0);
    expect(body).toMatchObject({ rolloutId: 'R1', before: null, after: { stage: 'preflight' } });
    expect((body.detail as { request: unknown }).request).toEqual({
      rolloutId: 'R1',
      policyDigest: sha256Hex(canonicalJson(POLICY)),
    });
  });

  it("names the gate that held a refused ramp, and the bot as the actor of a job's report", () => {
    const refused = ledgerBody(
      'M6',
      rampEvent(25),
      readyState(),
      decide(readyState(), rampEvent(25), minutes(40)),
      minutes(40),
    );
    expect(refused).toMatchObject({ outcome: 'refused', reason: 'not_next_step', detail: { gate: 'step' } });
    const report: RolloutEvent = { type: 'soak_finished', soakId: 'R1.99', breached: false, summary: 'x' };
    const alarm: RolloutEvent = {
      type: 'alarm',
      alarm: 'feature_drift',
      severity: 'WARNING',
      firing: true,
      summary: 'x',
    };
    const noted = ledgerBody(
      'M6',
      alarm,
      readyState(),
      decide(readyState(), alarm, minutes(40)),
      minutes(40),
    );
    expect(noted).toMatchObject({
      actor: 'mec-bot',
      outcome: 'recorded',
      detail: { request: { alarm: 'feature_drift' } },
    });
    expect(() =>
      ledgerBody('M6', report, readyState(), decide(readyState(), report, minutes(40)), minutes(40)),
    ).toThrow(expect.objectContaining({ code: 'invariant_violated' }));
  });
});

describe('registryBody', () => {
  it("records a registry change as the bot's, applied, outside any rollout", () => {
    expect(registryBody('M6', T0, 'registry_adopted', null, { root: 'a' }, null)).toEqual({
      v: 1,
      at: T0.toISOString(),
      phase: 'M6',
      rolloutId: null,
      actor: 'mec-bot',
      action: 'registry_adopted',
      outcome: 'applied',
      reason: 'registry_adopted',
      before: null,
      after: { root: 'a' },
      detail: null,
    });
  });
});

describe('incidentLedgerBody', () => {
  const policy = { ...POLICY, permissions: { ...POLICY.permissions, acknowledge: ['sre_oncall'] } };

  it('records an opened incident with what the alarm said, under its id', () => {
    const event = { type: 'open_incident', incident: INCIDENT } as const;
    const body = incidentLedgerBody('M6', INCIDENT.id, event, null, decideIncident(null, event, T0), T0);
    const { id: _id, phase: _phase, ...said } = INCIDENT;
    expect(body).toMatchObject({
      actor: 'mec-bot',
      action: 'open_incident',
      before: null,
      after: { paged: false },
    });
    expect(body.detail).toEqual({ ...said, incident: INCIDENT.id, message: expect.any(String) });
  });

  it("records a person's acknowledgement without the policy it was checked against", () => {
    const event = { type: 'acknowledge', actor: U_SRE, policy } as const;
    const decision = decideIncident(INCIDENT, event, T0);
    const body = incidentLedgerBody('M6', INCIDENT.id, event, INCIDENT, decision, T0);
    expect(body).toMatchObject({ actor: U_SRE, outcome: 'applied', after: { acknowledgedBy: U_SRE } });
    expect(body.detail).toEqual({ incident: INCIDENT.id, message: decision.message });
  });

  it('records a refusal with the incident as it stood, and an unmatched alert under its alert id', () => {
    const denied = { type: 'acknowledge', actor: U_OUT, policy } as const;
    const refused = incidentLedgerBody(
      'M6',
      INCIDENT.id,
      denied,
      INCIDENT,
      decideIncident(INCIDENT, denied, T0),
      T0,
    );
    expect(refused).toMatchObject({
      outcome: 'refused',
      reason: 'not_permitted',
      after: { acknowledgedBy: null },
    });
    const unmatched = {
      type: 'alert_unmatched',
      status: 'firing',
      labels: { alertname: 'DiskFull' },
      annotations: {},
      startsAt: T0.toISOString(),
    } as const;
    const body = incidentLedgerBody('M6', 'a1', unmatched, null, decideIncident(null, unmatched, T0), T0);
    expect(body.detail).toMatchObject({ alert: 'a1', labels: { alertname: 'DiskFull' } });
    expect(body.detail).not.toHaveProperty('incident');
  });

  it('refuses to build a body for a no-op, which is never recorded', () => {
    const event = { type: 'resolve_incident' } as const;
    expect(() => incidentLedgerBody('M6', 'x', event, null, decideIncident(null, event, T0), T0)).toThrow(
      expect.objectContaining({ code: 'invariant_violated' }),
    );
  });
});
