import { describe, expect, it } from 'vitest';
import { alertmanagerBody } from '../../src/sandbox/sandbox-alarms.js';

const alarm = {
  name: 'latency_slo_drop',
  severity: 'BLOCKER',
  comparator: 'gt',
  threshold: 0.03,
  query: 'q',
  window: 300_000,
  summary: 'Latency SLO attainment dropped more than 3%',
} as unknown as Parameters<typeof alertmanagerBody>[0];

describe("the sandbox's alerts, as Alertmanager sends them", () => {
  it('labels a firing alert the way the rule pack does, with no end yet', () => {
    const body = alertmanagerBody(
      alarm,
      'M6',
      'firing',
      '2026-12-01T10:00:00.000Z',
      new Date('2026-12-01T10:05:00Z'),
    );
    expect(body).toMatchObject({
      version: '4',
      status: 'firing',
      commonLabels: {
        alertname: 'MecLatencySloDrop',
        mec_alarm: 'latency_slo_drop',
        mec_phase: 'M6',
        severity: 'critical',
        mec_severity: 'BLOCKER',
      },
    });
    expect(body.alerts).toEqual([
      expect.objectContaining({
        status: 'firing',
        startsAt: '2026-12-01T10:00:00.000Z',
        endsAt: '0001-01-01T00:00:00Z',
        annotations: { summary: 'Latency SLO attainment dropped more than 3%' },
        fingerprint: 'sandbox-latency_slo_drop',
      }),
    ]);
  });

  it('resolves the same alert: its fingerprint and start repeated, ended now', () => {
    const firing = alertmanagerBody(alarm, 'M6', 'firing', '2026-12-01T10:00:00.000Z', new Date());
    const resolved = alertmanagerBody(
      alarm,
      'M6',
      'resolved',
      '2026-12-01T10:00:00.000Z',
      new Date('2026-12-01T10:07:00Z'),
    );
    expect(resolved.status).toBe('resolved');
    expect(resolved.groupKey).toBe(firing.groupKey);
    expect(resolved.alerts[0]).toMatchObject({
      status: 'resolved',
      fingerprint: firing.alerts[0]?.fingerprint,
      startsAt: '2026-12-01T10:00:00.000Z',
      endsAt: '2026-12-01T10:07:00.000Z',
    });
  });

  it('gives an alarm with no summary of its own one that says where it came from', () => {
    const body = alertmanagerBody(
      { ...alarm, summary: undefined },
      'M6',
      'firing',
      '2026-12-01T10:00:00.000Z',
      new Date(),
    );
    expect(body.commonAnnotations.summary).toBe('latency_slo_drop breached (injected from the sandbox page)');
  });
});
