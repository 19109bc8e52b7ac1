import { describe, expect, it } from 'vitest';
import {
  holdsRole,
  isPermitted,
  rampWeights,
  roleName,
  rolesWithHolders,
  whoMay,
} from '../../src/domain/policy.js';
import { POLICY, U_GOV, U_OUT, U_RM, U_SRE, U_SRE2 } from './fixtures.js';

describe('the policy', () => {
  it('names a role by its name, or by its id when it has none in the policy', () => {
    expect(roleName(POLICY, 'sre_oncall')).toBe('SRE On-Call');
    expect(roleName(POLICY, 'janitor')).toBe('janitor');
  });

  it.each([
    [U_SRE, 'sre_oncall', true],
    [U_SRE2, 'sre_oncall', true],
    [U_GOV, 'sre_oncall', false],
    [U_SRE, 'janitor', false],
  ])('says whether %s holds %s: %s', (userId, roleId, held) => {
    expect(holdsRole(POLICY, userId, roleId)).toBe(held);
  });

  it.each([
    [U_RM, 'ramp', true],
    [U_SRE, 'rollback', true],
    [U_SRE, 'ramp', false],
    [U_GOV, 'override', true],
    [U_OUT, 'pause', false],
    [U_SRE, 'acknowledge', false],
  ] as const)('lets %s %s only through a role granted it: %s', (userId, action, permitted) => {
    expect(isPermitted(POLICY, userId, action)).toBe(permitted);
  });

  it.each([
    [['sre_oncall'], `SRE On-Call (${U_SRE}, ${U_SRE2})`],
    [['governance_lead', 'sre_oncall'], `Governance Lead (${U_GOV}) and SRE On-Call (${U_SRE}, ${U_SRE2})`],
    [['janitor'], 'janitor (held by nobody in the config)'],
    [[], 'no role'],
  ])('names roles %j with who holds each', (roleIds, named) => {
    expect(rolesWithHolders(POLICY, roleIds)).toBe(named);
  });

  it('says who may take an action, by role and holder, or that no role may', () => {
    expect(whoMay(POLICY, 'pause')).toBe(
      `it is granted to Release Manager (${U_RM}) and SRE On-Call (${U_SRE}, ${U_SRE2})`,
    );
    expect(whoMay(POLICY, 'acknowledge')).toBe('no role is granted it in the config');
  });

  it('lists the ramp weights of the plan in order, skipping the soaks', () => {
    expect(rampWeights(POLICY)).toEqual([5, 25, 60, 100]);
  });
});
