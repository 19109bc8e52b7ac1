import { describe, expect, it } from 'vitest';
import { ACTION } from '../../../../src/adapters/slack/ids.js';
import { incidentNotice } from '../../../../src/adapters/slack/views/incident-notice.js';
import type { Incident } from '../../../../src/domain/incident.js';
import { INCIDENT } from '../../../support/incident.js';
import { expectWithinLimits } from '../../../support/slack-limits.js';

describe('the incident notice', () => {
  const { rollbackId: _, ...incident } = INCIDENT;
  const said = (value: Incident): string => JSON.stringify(incidentNotice(value, undefined).blocks);

  it('says the rollback is still running, not yet at shadow, only when one was accepted', () => {
    expect(said({ ...incident, rollbackId: 'rb-1' })).toContain(
      'Rollback still running: traffic 25% → 0% (shadow) is not confirmed yet',
    );
    expect(said(incident)).toContain('No rollback was started');
    expect(said(incident)).not.toContain('still running');
  });

  it('says a failed rollback attempt is retried, and a rollback out of attempts failed, with what to do', () => {
    const failing = {
      ...incident,
      rollbackId: 'rb-1',
      rollbackFailure: { code: 'traffic_controller_failed', at: '2026-11-24T04:00:01.000Z', retrying: true },
    };
    expect(said(failing)).toContain(
      'Rollback still running: an attempt failed (traffic_controller_failed) and is retried',
    );
    const failed = { ...failing, rollbackFailure: { ...failing.rollbackFailure, retrying: false } };
    expect(said(failed)).toContain('Rollback FAILED (traffic_controller_failed) on its last attempt');
    expect(said(failed)).toContain('Roll back by hand');
    // Shadow reached after all, by a later attempt: that is what the notice says.
    expect(said({ ...failed, shadowAt: '2026-11-24T04:00:09.000Z' })).toContain(
      'Rolled back: traffic 25% → 0%',
    );
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

  it('counts the alerts folded into it and names the first ten instances', () => {
    const instances = Array.from({ length: 300 }, (_, n) => `web-${n}:9090`);
    const folded = said({ ...incident, instances });
    expect(folded).toContain('300 alerts');
    expect(folded).toContain('web-0:9090, web-1:9090');
    expect(folded).toContain('web-9:9090, and 290 more');
    expect(folded).not.toContain('web-10:9090');
    expect(said({ ...incident, instances: ['<fp-1>'] })).toContain(
      '1 alert* of this alarm while it fires: &lt;fp-1&gt;',
    );
    expect(said(incident)).not.toContain('of this alarm while it fires');
    expectWithinLimits(incidentNotice({ ...incident, instances }, undefined));
  });

  it('says how many of its alerts resolved while the others still fire', () => {
    const partly = said({
      ...incident,
      instances: ['web-0', 'web-1', 'web-2'],
      resolvedInstances: ['web-1'],
    });
    expect(partly).toContain('1 resolved, 2 still firing.');
    expect(said({ ...incident, instances: ['web-0'] })).not.toContain('resolved,');
  });
});
