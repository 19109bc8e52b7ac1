import { describe, expect, it } from 'vitest';
import { incidentSnapshot } from '../../src/domain/incident.js';
import { INCIDENT } from '../support/incident.js';

describe('incidentSnapshot', () => {
  it('is null before the incident exists', () => {
    expect(incidentSnapshot(null)).toBeNull();
  });

  it('shows a fresh incident as not paged, acknowledged, at shadow, resolved or overridden', () => {
    expect(incidentSnapshot(INCIDENT)).toEqual({
      alarm: 'latency_slo_drop',
      severity: 'BLOCKER',
      paged: false,
      acknowledgedBy: null,
      shadowAt: null,
      resolvedAt: null,
      overriddenBy: null,
    });
  });

  it('shows who acted and when, without the summary or the values', () => {
    const snapshot = incidentSnapshot({
      ...INCIDENT,
      notice: { channel: 'C0INCIDENT1', ts: '1.2' },
      acknowledged: { by: 'U_SRE', at: '2026-11-24T04:01:00.000Z' },
      shadowAt: '2026-11-24T04:00:02.500Z',
      resolvedAt: '2026-11-24T04:10:00.000Z',
      overridden: { by: 'U_GOV', at: '2026-11-24T04:02:00.000Z', reason: 'GOV-42' },
    });
    expect(snapshot).toEqual({
      alarm: 'latency_slo_drop',
      severity: 'BLOCKER',
      paged: true,
      acknowledgedBy: 'U_SRE',
      shadowAt: '2026-11-24T04:00:02.500Z',
      resolvedAt: '2026-11-24T04:10:00.000Z',
      overriddenBy: 'U_GOV',
    });
  });
});
