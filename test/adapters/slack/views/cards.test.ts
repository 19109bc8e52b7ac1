import { describe, expect, it } from 'vitest';
import { ACTION, anyActionOf, REJECT_INPUT, VIEW } from '../../../../src/adapters/slack/ids.js';
import {
  approvalCard,
  goNoGoCard,
  overrideModal,
  rejectModal,
} from '../../../../src/adapters/slack/views/cards.js';
import { decide } from '../../../../src/domain/decide.js';
import {
  applyAll,
  minutes,
  POLICY,
  ROOT_A,
  rampEvent,
  readyState,
  smokedState,
  U_GOV,
  U_SRE,
} from '../../../domain/fixtures.js';
import { expectModalWithinLimits, expectWithinLimits } from '../../../support/slack-limits.js';

const actionIds = (blocks: readonly object[]) =>
  blocks.flatMap((block) =>
    'elements' in block ? (block.elements as Array<{ action_id?: string }>).map((e) => e.action_id) : [],
  );

describe('the approval card', () => {
  it('offers Approve for each role still waiting, Reject for every role, and an abbreviated digest for the approved', () => {
    const partly = applyAll(smokedState(), [
      [{ type: 'approve', actor: U_GOV, roleId: 'governance_lead', artifactRoot: ROOT_A }, minutes(33)],
    ]);
    const card = approvalCard(partly, ROOT_A, minutes(34));
    const buttons = card.blocks.flatMap((block) =>
      'elements' in block ? (block.elements as Array<{ action_id?: string }>) : [],
    );
    expect(buttons.filter((button) => button.action_id === ACTION.approve)).toHaveLength(3);
    // An approved role keeps its Reject button: a rejection voids every approval.
    expect(buttons.filter((button) => button.action_id === ACTION.reject)).toHaveLength(4);
    const digest = partly.approvals.governance_lead?.digest ?? '';
    const text = JSON.stringify(card.blocks);
    expect(text).toContain(`${digest.slice(0, 12)}…`);
    expect(text).not.toContain(digest);
    expectWithinLimits(card);
  });

  it('keeps every one of 30 roles reachable, each with its own Approve and Reject, within the block limit', () => {
    const roles = Array.from({ length: 30 }, (_, index) => ({
      id: `role_${index}`,
      name: `Role number ${index}`,
      userIds: [`U0ROLE${index}`],
    }));
    const policy = {
      ...POLICY,
      roles: [...POLICY.roles, ...roles],
      approverRoleIds: roles.map((role) => role.id),
    };
    const state = applyAll(smokedState(policy), [
      [{ type: 'approve', actor: 'U0ROLE3', roleId: 'role_3', artifactRoot: ROOT_A }, minutes(33)],
    ]);
    const card = approvalCard(state, ROOT_A, minutes(34));
    expectWithinLimits(card);
    const buttons = card.blocks.flatMap((block) =>
      'elements' in block ? (block.elements as Array<{ action_id?: string; value?: string }>) : [],
    );
    const rolesOf = (base: string) =>
      buttons
        .filter((button) => anyActionOf(base).test(button.action_id ?? ''))
        .map((button) => (JSON.parse(button.value ?? '{}') as { role: string }).role);
    expect(rolesOf(ACTION.reject).sort()).toEqual(roles.map((role) => role.id).sort());
    expect(rolesOf(ACTION.approve).sort()).toEqual(
      roles
        .map((role) => role.id)
        .filter((id) => id !== 'role_3')
        .sort(),
    );
    const text = JSON.stringify(card.blocks);
    for (const role of roles) expect(text).toContain(`*${role.name}*`);
  });

  it('marks approvals bound to another artifact root as void', () => {
    const state = readyState();
    expect(JSON.stringify(approvalCard(state, 'f'.repeat(64), minutes(40)).blocks)).toContain(
      'stale root: approve again',
    );
    expect(decide(state, rampEvent(5, 'f'.repeat(64)), minutes(40)).reason).toBe('approval_stale_root');
  });
});

describe('the go/no-go card', () => {
  it('asks both roles for the joint decision, with Go and a confirmed No-go bound to the rollout', () => {
    const card = goNoGoCard(smokedState(), 4);
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('*Governance Lead and SRE On-Call*: record the joint go/no-go');
    expect(text).toContain('⬜ waiting: Governance Lead');
    // Slack refuses one action_id twice in a block: Go and No-go each have their own.
    expect(actionIds(card.blocks)).toEqual([`${ACTION.goNoGo}.go`, `${ACTION.goNoGo}.no_go`]);
    expectWithinLimits(card);
    expect(text).toContain('Record a no-go?');
    const values = card.blocks.flatMap((block) =>
      'elements' in block
        ? (block.elements as Array<{ value?: string }>).map((e) => JSON.parse(e.value ?? ''))
        : [],
    );
    expect(values).toEqual([
      { r: 'R1', v: 4, n: 0, go: true },
      { r: 'R1', v: 4, n: 0, go: false },
    ]);
  });

  it('shows each decision, and drops its buttons once the go is joint or the rollout stopped', () => {
    const half = applyAll(smokedState(), [
      [{ type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true }, minutes(32)],
    ]);
    expect(JSON.stringify(goNoGoCard(half, 5).blocks)).toContain('✅ go: Governance Lead (<@U_GOV>)');
    expect(actionIds(goNoGoCard(half, 5).blocks)).toHaveLength(2);
    const joint = applyAll(half, [
      [{ type: 'go_no_go', actor: U_SRE, roleId: 'sre_oncall', go: true }, minutes(32)],
    ]);
    expect(actionIds(goNoGoCard(joint, 6).blocks)).toEqual([]);
    const stopped = applyAll(smokedState(), [
      [{ type: 'go_no_go', actor: U_SRE, roleId: 'sre_oncall', go: false }, minutes(32)],
    ]);
    expect(JSON.stringify(goNoGoCard(stopped, 5).blocks)).toContain('❌ no-go: SRE On-Call');
    expect(actionIds(goNoGoCard(stopped, 5).blocks)).toEqual([]);
  });
});

describe('the reason modals', () => {
  it('asks for a rejection reason of at most 500 characters, carrying what it is about', () => {
    const meta = {
      rolloutId: 'R1',
      roleId: 'security_officer',
      artifactRoot: ROOT_A,
      channelId: 'C0RELEASE01',
    };
    const modal = rejectModal(readyState(), meta);
    expect(modal.callback_id).toBe(VIEW.rejectReason);
    expect(JSON.parse(modal.private_metadata)).toEqual(meta);
    expect(JSON.stringify(modal.blocks)).toContain(
      'Rejecting as *Security Officer* voids every approval of M6',
    );
    expect(modal.blocks[1]).toMatchObject({
      block_id: REJECT_INPUT.block,
      element: { action_id: REJECT_INPUT.action, max_length: 500 },
    });
    expectModalWithinLimits(modal);
  });

  it('asks why a gate is overridden, carrying the gate and the channel to answer in', () => {
    const modal = overrideModal('determinism_variance', 'C0RELEASE01');
    expect(modal.callback_id).toBe(VIEW.overrideReason);
    expect(JSON.parse(modal.private_metadata)).toEqual({
      gate: 'determinism_variance',
      channelId: 'C0RELEASE01',
    });
    expect(JSON.stringify(modal.blocks)).toContain('Overriding *determinism_variance*');
    expectModalWithinLimits(modal);
  });
});
