import { describe, expect, it } from 'vitest';
import { ACTION } from '../../../../src/adapters/slack/ids.js';
import { incidentNotice } from '../../../../src/adapters/slack/views/incident-notice.js';
import type { Incident } from '../../../../src/domain/incident.js';
import { INCIDENT } from '../../../support/incident.js';

describe('the incident notice', () => {
  const { rollbackId: _, ...incident } = INCIDENT;
  const said = (value: Incident): string => JSON.stringify(incidentNotice(value, undefined).blocks);

  it('says a rollback is under way only when one was accepted', () => {
    expect(said({ ...incident, rollbackId: 'rb-1' })).toContain('Rolling back: traffic 25% → 0%');
    expect(said(incident)).toContain('No rollback was started');
    expect(said(incident)).not.toContain('Rolling back');
  });

  it('reports how long the rollback took once traffic is at shadow', () => {
    const done = { ...incident, rollbackId: 'rb-1', shadowAt: '2026-11-24T04:00:02.500Z' };
    expect(said(done)).toContain('Rolled back: traffic 25% → 0% (shadow), 2.5 s after the alert arrived');
  });

  it('says who overrode a CRITICAL gate and why, and offers no second override', () => {
    const critical: Incident = { ...incident, alarm: 'determinism_variance', severity: 'CRITICAL' };
    expect(said(critical)).toContain(ACTION.override);
    const overridden = {
      ...critical,
      overridden: { by: 'U_GOV', at: '2026-11-24T04:02:00.000Z', reason: 'GOV-42' },
    };
    expect(said(overridden)).toContain('Deployment gate overridden by <@U_GOV>: GOV-42');
    expect(said(overridden)).not.toContain(ACTION.override);
  });

  it('says the value is unknown when the metrics source could not give one', () => {
    expect(said({ ...incident, value: null })).toContain('unknown (the metrics source did not answer)');
    expect(said(incident)).toContain('*latency_slo_drop* is 0.09 against the threshold > 0.05 over 5m');
  });

  it('mentions the on-call group when one is configured', () => {
    expect(JSON.stringify(incidentNotice(incident, 'S0ONCALL').blocks)).toContain('<!subteam^S0ONCALL>');
    expect(said(incident)).not.toContain('subteam');
  });

  it('offers Acknowledge until someone has, then says who and when', () => {
    expect(said(incident)).toContain(ACTION.acknowledge);
    const acknowledged = { ...incident, acknowledged: { by: 'U_SRE', at: '2026-11-24T04:01:30.000Z' } };
    expect(said(acknowledged)).not.toContain(ACTION.acknowledge);
    expect(said(acknowledged)).toContain('Acknowledged by <@U_SRE> at 04:01:30 UTC');
  });
});
