import { describe, expect, it } from 'vitest';
import {
  clickApprove,
  clickReject,
  clickRolloutButton,
  submitRejection,
} from '../../src/app/click-button.js';
import type { RolloutClick } from '../../src/app/ports/rollout-actions.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  minutes,
  ROOT_A,
  ROOT_B,
  rampEvent,
  readyState,
  smokedState,
  trafficDone,
  U_GOV,
  U_OUT,
  U_RM,
  U_SEC,
  U_SRE,
} from '../domain/fixtures.js';
import { useCaseWorld } from '../support/use-case-world.js';

async function worldAt(state: RolloutState) {
  const world = useCaseWorld();
  await world.seed(state);
  world.at(minutes(40));
  return world;
}

/** The request of the one entry the click recorded, as the ledger keeps it. */
const recorded = (world: Awaited<ReturnType<typeof worldAt>>) =>
  world.newEntries().map((entry) => [entry.body.action, (entry.body.detail as { request: unknown }).request]);

const DRAWN = { rolloutId: 'R1', version: 1 };

describe('clickRolloutButton', () => {
  it.each([
    [{ action: 'ramp', weightPct: 5 }, U_RM, ['ramp', { weightPct: 5, artifactRoot: ROOT_A }]],
    [{ action: 'pause' }, U_SRE, ['pause', {}]],
    [{ action: 'rollback' }, U_SRE, ['rollback', { reason: 'requested from the rollout message' }]],
    [{ action: 'retry_check', check: 'smoke' }, U_RM, ['run_check', { check: 'smoke' }]],
  ] as Array<[RolloutClick, string, unknown[]]>)(
    'acts on %j on the current drawing',
    async (click, actor, entry) => {
      const world = await worldAt(readyState());
      expect(await clickRolloutButton(world.ctx, actor, DRAWN, click)).toMatchObject({ kind: 'transition' });
      expect(recorded(world)).toEqual([entry]);
    },
  );

  it('answers a click on an older drawing with the current state, redraws the message, and changes nothing', async () => {
    const world = await worldAt(readyState());
    const outcome = await clickRolloutButton(
      world.ctx,
      U_SRE,
      { rolloutId: 'R1', version: 0 },
      { action: 'pause' },
    );
    expect(outcome).toEqual({ kind: 'stale', state: readyState() });
    expect(world.publisher.redraws).toEqual(['M6']);
    expect(world.reasons()).toEqual([]);
  });

  it("answers a click on another rollout's message as stale", async () => {
    const world = await worldAt(readyState());
    const outcome = await clickRolloutButton(
      world.ctx,
      U_SRE,
      { rolloutId: 'R0', version: 1 },
      { action: 'pause' },
    );
    expect(outcome.kind).toBe('stale');
    expect(world.reasons()).toEqual([]);
  });

  it('takes a go/no-go from a card drawn at any version, for the role the person holds', async () => {
    const world = await worldAt(smokedState());
    const outcome = await clickRolloutButton(
      world.ctx,
      U_SRE,
      { rolloutId: 'R1', version: 0, nonce: 0 },
      {
        action: 'go_no_go',
        go: true,
      },
    );
    expect(outcome).toMatchObject({ kind: 'transition', result: { reason: 'go_recorded' } });
    expect(recorded(world)).toEqual([['go_no_go', { roleId: 'sre_oncall', go: true }]]);
  });

  it.each([
    ['drawn before the approvals were voided', 0],
    ['that carries no card nonce', undefined],
  ])('answers a go/no-go from a card %s as stale, recording nothing', async (_name, nonce) => {
    const world = await worldAt({ ...smokedState(), approvalRound: 1 });
    const drawn = { rolloutId: 'R1', version: 0, ...(nonce === undefined ? {} : { nonce }) };
    const outcome = await clickRolloutButton(world.ctx, U_SRE, drawn, { action: 'go_no_go', go: true });
    expect(outcome.kind).toBe('stale');
    expect(world.reasons()).toEqual([]);
  });

  it('treats a transition that landed between the look and the commit as a stale drawing', async () => {
    const world = await worldAt(readyState());
    const { store } = world;
    world.ctx.store = {
      load: (phase) => store.load(phase),
      commit: async (phase, version, next, body) => {
        // Another process pauses the rollout first.
        await store.commit(phase, version, { ...readyState(), paused: { by: U_RM, at: 'x' } }, body);
        return store.commit(phase, version, next, body);
      },
    };
    const outcome = await clickRolloutButton(world.ctx, U_SRE, DRAWN, { action: 'rollback' });
    expect(outcome).toMatchObject({ kind: 'stale', state: { paused: { by: U_RM } } });
    expect(world.publisher.redraws).toEqual(['M6']);
  });
});

describe('clickApprove', () => {
  it('approves the artifact root the card was drawn for, when it is still the current one', async () => {
    const world = await worldAt(smokedState());
    const outcome = await clickApprove(world.ctx, U_SEC, {
      rolloutId: 'R1',
      artifactRoot: ROOT_A,
      roleId: 'security_officer',
      nonce: 0,
    });
    expect(outcome).toMatchObject({ kind: 'transition', result: { reason: 'approval_recorded' } });
    expect((await world.store.load('M6')).state?.approvals.security_officer?.artifactRoot).toBe(ROOT_A);
  });

  it('approves nothing, records the stale click, and redraws the card, when the artifacts changed since it was drawn', async () => {
    const world = await worldAt(smokedState());
    world.files.root = ROOT_B;
    const outcome = await clickApprove(world.ctx, U_SEC, {
      rolloutId: 'R1',
      artifactRoot: ROOT_A,
      roleId: 'security_officer',
      nonce: 0,
    });
    expect(outcome).toMatchObject({
      kind: 'transition',
      result: { outcome: 'refused', reason: 'stale_card' },
    });
    expect(world.publisher.redraws).toEqual(['M6']);
    expect(world.reasons()).toEqual(['stale_card']);
    expect(recorded(world)).toEqual([
      [
        'approve',
        { roleId: 'security_officer', artifactRoot: ROOT_B, drawn: { artifactRoot: ROOT_A, nonce: 0 } },
      ],
    ]);
    expect((await world.store.load('M6')).state?.approvals).toEqual({});
  });

  it('approves nothing from a card drawn before the approvals were voided, and records the click', async () => {
    const world = await worldAt({ ...smokedState(), approvalRound: 2 });
    const outcome = await clickApprove(world.ctx, U_SEC, {
      rolloutId: 'R1',
      artifactRoot: ROOT_A,
      roleId: 'security_officer',
      nonce: 1,
    });
    expect(outcome).toMatchObject({ result: { outcome: 'refused', reason: 'stale_card' } });
    expect(world.reasons()).toEqual(['stale_card']);
    expect((await world.store.load('M6')).state?.approvals).toEqual({});
  });
});

describe('clickReject and submitRejection', () => {
  it('asks a member of the role for the reason, recording nothing yet', async () => {
    const world = await worldAt(readyState());
    expect(await clickReject(world.ctx, U_SEC, { rolloutId: 'R1', roleId: 'security_officer' })).toEqual({
      kind: 'ask_reason',
      state: readyState(),
    });
    expect(world.reasons()).toEqual([]);
  });

  it('refuses and records a Reject from someone outside the role, without asking', async () => {
    const world = await worldAt(readyState());
    const outcome = await clickReject(world.ctx, U_OUT, { rolloutId: 'R1', roleId: 'security_officer' });
    expect(outcome).toMatchObject({
      kind: 'transition',
      result: { outcome: 'refused', reason: 'not_role_member' },
    });
    expect(world.newEntries()[0]?.body.actor).toBe(U_OUT);
  });

  it('records the rejection with the reason as typed, voiding the approvals', async () => {
    const world = await worldAt(readyState());
    const reason = 'CVE-2025-1234 <is> open & unpatched';
    await submitRejection(world.ctx, U_SEC, { rolloutId: 'R1', roleId: 'security_officer' }, reason);
    const { state } = await world.store.load('M6');
    expect(state).toMatchObject({
      approvals: {},
      rejection: { roleId: 'security_officer', userId: U_SEC, reason },
    });
  });

  it("takes no rejection for another rollout's card", async () => {
    const world = await worldAt(
      applyAll(readyState(), [
        [rampEvent(5), minutes(40)],
        [trafficDone(5), minutes(40)],
      ]),
    );
    const drawn = { rolloutId: 'R0', roleId: 'security_officer' };
    expect((await clickReject(world.ctx, U_GOV, drawn)).kind).toBe('stale');
    expect((await submitRejection(world.ctx, U_SEC, drawn, 'no')).kind).toBe('stale');
    expect(world.reasons()).toEqual([]);
  });
});
