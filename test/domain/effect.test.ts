import { describe, expect, it } from 'vitest';
import { type Effect, isRunnerEffect } from '../../src/domain/effect.js';

describe('isRunnerEffect', () => {
  const effects: Effect[] = [
    { kind: 'run_check', check: 'preflight', runId: 'R1.1' },
    { kind: 'set_traffic', weightPct: 5, rampId: 'R1.2' },
    { kind: 'end_soak_at', soakId: 'R1.3', endsAt: '2025-10-21T14:00:00.000Z' },
    { kind: 'roll_back', fromPct: 5, reason: 'x', rollbackId: 'R1.4' },
    { kind: 'certify' },
    { kind: 'post_card', card: 'approvals' },
    { kind: 'request_ramp', weightPct: 25 },
  ];

  it('leaves the cards to the publisher and the auto-ramp to the use case; the runner takes the rest', () => {
    expect(effects.filter(isRunnerEffect).map((effect) => effect.kind)).toEqual([
      'run_check',
      'set_traffic',
      'end_soak_at',
      'roll_back',
      'certify',
    ]);
  });
});
