import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/domain/canonical-json.js';
import type { LedgerEntry } from '../../src/domain/ledger-entry.js';
import type { ReasonCode } from '../../src/domain/reason.js';
import { weeklyReview } from '../../src/domain/weekly-review.js';

function entry(at: string, reason: ReasonCode, facts: Record<string, JsonValue> = {}): LedgerEntry {
  return {
    seq: 1,
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
    body: {
      v: 1,
      at,
      phase: 'M6',
      rolloutId: 'R1',
      actor: 'mec-bot',
      action: 'x',
      outcome: 'applied',
      reason,
      before: null,
      after: null,
      detail: { facts },
    },
  };
}

describe('weeklyReview', () => {
  it('counts the week from the ledger, rollbacks by BLOCKER alarms as prevented incidents', () => {
    const entries = [
      entry('2025-10-13T10:00:00.000Z', 'alarm_recorded', {
        alarm: 'feature_drift',
        severity: 'WARNING',
        firing: true,
        summary: 'too early',
      }),
      entry('2025-10-20T10:00:00.000Z', 'alarm_recorded', {
        alarm: 'feature_drift',
        severity: 'WARNING',
        firing: true,
        summary: 'drift',
      }),
      entry('2025-10-20T11:00:00.000Z', 'alarm_recorded', {
        alarm: 'feature_drift',
        severity: 'WARNING',
        firing: false,
        summary: 'resolved',
      }),
      entry('2025-10-21T10:00:00.000Z', 'rollback_finished', {
        reason: 'BLOCKER latency_slo_drop: 4%',
        fromPct: 25,
      }),
      entry('2025-10-22T10:00:00.000Z', 'rollback_finished', { reason: 'requested in Slack', fromPct: 5 }),
      entry('2025-10-22T11:00:00.000Z', 'gate_opened'),
      entry('2025-10-22T11:30:00.000Z', 'watch_blind'),
      entry('2025-10-22T12:00:00.000Z', 'gate_overridden'),
      entry('2025-10-23T10:00:00.000Z', 'approval_recorded'),
      entry('2025-10-23T10:01:00.000Z', 'approval_rejected_recorded'),
      entry('2025-10-27T09:00:00.000Z', 'approval_recorded'),
    ];
    const review = weeklyReview(
      entries,
      new Date('2025-10-20T09:00:00.000Z'),
      new Date('2025-10-27T09:00:00.000Z'),
    );
    expect(review.warnings).toEqual([
      { alarm: 'feature_drift', at: '2025-10-20T10:00:00.000Z', summary: 'drift' },
    ]);
    expect(review.rollbacks).toHaveLength(2);
    expect(review.preventedIncidents).toBe(1);
    expect(review.gates).toEqual({ opened: 2, closed: 0, overridden: 1 });
    expect(review.approvals).toEqual({ recorded: 1, rejected: 1 });
  });
});
