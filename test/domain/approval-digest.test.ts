import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { approvalDigest, toSignedAt } from '../../src/domain/approval-digest.js';

describe('approvalDigest', () => {
  it('is SHA-256 over "<phase>:<role>:<signed_at>:<root>", recomputed here from its four parts', () => {
    const root = 'd56b60daef3e9efbad7a060f9e9b575bd2193d86eb68a6a6321295ddfbba4f05';
    const byHand = createHash('sha256')
      .update(['M6', 'governance_lead', '2025-10-21T03:12:04Z', root].join(':'), 'utf8')
      .digest('hex');
    expect(
      approvalDigest({
        phase: 'M6',
        roleId: 'governance_lead',
        signedAt: '2025-10-21T03:12:04Z',
        artifactRoot: root,
      }),
    ).toBe(byHand);
  });

  it.each([
    ['phase', { phase: 'M7' }],
    ['role', { roleId: 'sre_oncall' }],
    ['signed at', { signedAt: '2025-10-21T03:12:05Z' }],
    ['artifact root', { artifactRoot: 'e'.repeat(64) }],
  ])('changes when the %s changes', (_part, change) => {
    const base = {
      phase: 'M6',
      roleId: 'governance_lead',
      signedAt: '2025-10-21T03:12:04Z',
      artifactRoot: 'd'.repeat(64),
    };
    expect(approvalDigest({ ...base, ...change })).not.toBe(approvalDigest(base));
  });
});

describe('toSignedAt', () => {
  it.each([
    ['2025-10-21T03:12:04.999Z', '2025-10-21T03:12:04Z'],
    ['2025-10-21T03:12:04.000Z', '2025-10-21T03:12:04Z'],
  ])('formats %s as %s (UTC, whole seconds, Z)', (iso, expected) => {
    expect(toSignedAt(new Date(iso))).toBe(expected);
  });
});
