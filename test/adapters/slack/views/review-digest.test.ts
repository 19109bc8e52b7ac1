import { describe, expect, it } from 'vitest';
import { reviewDigest } from '../../../../src/adapters/slack/views/review-digest.js';
import type { WeeklyReview } from '../../../../src/domain/weekly-review.js';
import { expectWithinLimits } from '../../../support/slack-limits.js';

const REVIEW: WeeklyReview = {
  from: '2025-10-20T09:00:00.000Z',
  to: '2025-10-27T09:00:00.000Z',
  warnings: [{ alarm: 'feature_drift', at: '2025-10-21T10:15:30.000Z', summary: 'drift <!here>' }],
  rollbacks: [
    { at: '2025-10-22T11:00:00.000Z', reason: 'BLOCKER latency_slo_drop: 4%', fromPct: 25 },
    { at: '2025-10-23T12:00:00.000Z', reason: 'requested in Slack', fromPct: 5 },
  ],
  preventedIncidents: 1,
  gates: { opened: 2, closed: 1, overridden: 1 },
  approvals: { recorded: 4, rejected: 1 },
};

describe('reviewDigest', () => {
  it('sums the week up in its fallback text', () => {
    expect(reviewDigest('M6', REVIEW).text).toBe(
      'Weekly governance review for M6: 1 warnings, 2 rollbacks (1 incidents prevented), 2 gates opened, 4 approvals',
    );
  });

  it('lists each warning and rollback with its time in UTC, escaped, and the gates and approvals', () => {
    const drawn = JSON.stringify(reviewDigest('M6', REVIEW).blocks);
    expect(drawn).toContain('2025-10-21 10:15 UTC *feature_drift*: drift &lt;!here&gt;');
    expect(drawn).toContain('2025-10-22 11:00 UTC from 25%: BLOCKER latency_slo_drop: 4%');
    expect(drawn).toContain('*Deployment gates*: 2 opened, 1 closed on resolve, 1 overridden');
    expect(drawn).toContain('*Approvals*: 4 given, 1 rejections');
    expect(drawn).toContain('From 2025-10-20 09:00 to 2025-10-27 09:00 UTC, counted from the ledger.');
  });

  it('says None for a quiet week', () => {
    const quiet = { ...REVIEW, warnings: [], rollbacks: [], preventedIncidents: 0 };
    const drawn = JSON.stringify(reviewDigest('M6', quiet).blocks);
    expect(drawn).toContain('*Warnings* (0)\\nNone.');
    expect(drawn).toContain('*Rollbacks* (0, of which *0 prevented incidents*');
  });

  it('shows every one of 60 long warnings, or says how many more there are and where they are', () => {
    const warnings = Array.from({ length: 60 }, (_, index) => ({
      alarm: `alarm_${index}`,
      at: '2025-10-21T10:15:30.000Z',
      summary: `warning number ${index}: ${'p99 latency above threshold '.repeat(8)}`,
    }));
    const digest = reviewDigest('M6', { ...REVIEW, warnings });
    expectWithinLimits(digest);
    const drawn = JSON.stringify(digest.blocks);
    const shown = warnings.filter((warning) => drawn.includes(`*${warning.alarm}*:`)).length;
    if (shown < warnings.length) expect(drawn).toContain(`and ${warnings.length - shown} more warnings`);
    expect(shown).toBe(warnings.length);
  });

  it('counts the warnings that do not fit in one message, and says where to read them', () => {
    const warnings = Array.from({ length: 300 }, (_, index) => ({
      alarm: `alarm_${index}`,
      at: '2025-10-21T10:15:30.000Z',
      summary: 'x'.repeat(2_000),
    }));
    const digest = reviewDigest('M6', { ...REVIEW, warnings });
    expectWithinLimits(digest);
    const drawn = JSON.stringify(digest.blocks);
    const shown = warnings.filter((warning) => drawn.includes(`*${warning.alarm}*:`)).length;
    expect(shown).toBeGreaterThan(0);
    expect(drawn).toContain(`and ${warnings.length - shown} more warnings`);
    expect(drawn).toContain('/mec ledger');
  });
});
