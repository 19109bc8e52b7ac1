import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/load-settings.js';
import { toPolicy } from '../../src/config/to-policy.js';

async function example() {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.config;
}

describe('toPolicy', () => {
  it('gives the domain the rules of the phase: roles, permissions, approvals, the go/no-go and the plan', async () => {
    const policy = toPolicy(await example());
    expect(policy).toMatchObject({
      phase: 'M6',
      approverRoleIds: ['governance_lead', 'sre_oncall', 'security_officer', 'product_owner'],
      goNoGoRoleIds: ['governance_lead', 'sre_oncall'],
      allowSelfApproval: false,
      approvalTtlMs: 24 * 3_600_000,
      smokeMs: 30 * 60_000,
      autoAdvance: false,
    });
    expect(policy.roles[1]).toEqual({
      id: 'sre_oncall',
      name: 'SRE On-Call',
      userIds: ['U0PRIYANAT', 'U0SREBACKUP'],
    });
    expect(policy.permissions.override).toEqual(['governance_lead']);
    expect(policy.steps.slice(0, 3)).toEqual([
      { kind: 'ramp', weightPct: 5 },
      { kind: 'soak', soakMs: 15 * 60_000 },
      { kind: 'ramp', weightPct: 25 },
    ]);
    expect(policy.steps).toHaveLength(8);
  });

  it('follows the config: another plan and another approval time to live', async () => {
    const config = await example();
    const policy = toPolicy({
      ...config,
      approvals: { ...config.approvals, ttl: 60_000, allowSelfApproval: true },
      plan: { autoAdvance: true, steps: [{ ramp: 50 }, { soak: 1_000 }, { ramp: 100 }] },
    });
    expect(policy).toMatchObject({ approvalTtlMs: 60_000, allowSelfApproval: true, autoAdvance: true });
    expect(policy.steps).toEqual([
      { kind: 'ramp', weightPct: 50 },
      { kind: 'soak', soakMs: 1_000 },
      { kind: 'ramp', weightPct: 100 },
    ]);
  });
});
