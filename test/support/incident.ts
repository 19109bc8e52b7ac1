import type { Incident } from '../../src/domain/incident.js';

/** A BLOCKER incident with an accepted rollback, not yet at shadow: tests spread it and change a field. */
export const INCIDENT: Incident = {
  id: 'inc-1',
  alarm: 'latency_slo_drop',
  severity: 'BLOCKER',
  phase: 'M6',
  summary: 'p95 attainment fell',
  value: 0.09,
  comparator: 'gt',
  threshold: 0.05,
  windowMs: 300_000,
  receivedAt: '2026-11-24T04:00:00.000Z',
  fromPct: 25,
  rollbackId: 'rb-1',
};
