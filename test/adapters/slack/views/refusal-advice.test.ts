import { describe, expect, it } from 'vitest';
import { adviceFor } from '../../../../src/adapters/slack/views/refusal-advice.js';
import { isRefusalReason, REASONS, REFUSAL_REASONS } from '../../../../src/domain/reason.js';

describe('adviceFor', () => {
  it.each(REASONS.filter(isRefusalReason))('tells a person refused with %s what to do next', (reason) => {
    const advice = adviceFor(reason);
    expect(advice, `no "what to do" sentence for ${reason}`).toMatch(/^[A-Z`].{15,}\.$/);
  });

  it('covers only reason codes the ledger knows', () => {
    for (const reason of REFUSAL_REASONS) expect(REASONS).toContain(reason);
  });

  it('counts every code of the refused group as a refusal, and no applied or no-op code', () => {
    const first = REASONS.indexOf('no_rollout');
    const refusedGroup = REASONS.slice(first);
    expect(refusedGroup.every(isRefusalReason)).toBe(true);
    expect(REASONS.slice(0, first).filter(isRefusalReason)).toEqual([]);
  });
});
