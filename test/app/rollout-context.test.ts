import { describe, expect, it } from 'vitest';
import { apply, currentArtifactRoot, deliverEffects } from '../../src/app/rollout-context.js';
import { SYSTEM_ACTOR } from '../../src/domain/ledger-entry.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import {
  applyAll,
  minutes,
  POLICY,
  ROOT_B,
  rampEvent,
  readyState,
  smokedState,
  startEvent,
  trafficDone,
  U_GOV,
  U_OUT,
  U_SRE,
} from '../domain/fixtures.js';
import { useCaseWorld } from '../support/use-case-world.js';

/** A world whose plan ramps on by itself, at the end of the clean 5% soak, and the event that ends it. */
async function soakingWithAutoAdvance() {
  const world = useCaseWorld();
  const soaking = applyAll(readyState({ ...POLICY, autoAdvance: true }), [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
  ]);
  await world.seed(soaking);
  world.at(minutes(55));
  const soakPassed: RolloutEvent = {
    type: 'soak_finished',
    soakId: soaking.soak?.soakId ?? '',
    breached: false,
    summary: 'clean',
  };
  return { world, soakPassed };
}

describe('apply', () => {
  it('commits the decision with its ledger entry, then hands the runner its effects, then tells people', async () => {
    const world = useCaseWorld();
    const order: string[] = [];
    const { effects, publisher } = world.ctx;
    world.ctx.effects = {
      run: async (...args) => {
        order.push('effects');
        await effects.run(...args);
      },
    };
    world.ctx.publisher = {
      ...publisher,
      postApprovalCard: (phase) => publisher.postApprovalCard(phase),
      redraw: (phase) => publisher.redraw(phase),
      postReview: (phase, review) => publisher.postReview(phase, review),
      published: async (...args) => {
        order.push('published');
        await publisher.published(...args);
      },
    };
    const result = await apply(world.ctx, startEvent());
    expect(result).toMatchObject({ outcome: 'applied', reason: 'rollout_started', version: 1 });
    expect(world.reasons()).toEqual(['rollout_started']);
    expect((await world.store.load('M6')).state?.rolloutId).toBe('R1');
    expect(world.effects.effects).toEqual([{ kind: 'run_check', check: 'preflight', runId: 'R1.1' }]);
    expect(world.publisher.told.map(({ result: told }) => told.reason)).toEqual(['rollout_started']);
    expect(order).toEqual(['effects', 'published']);
  });

  it('leaves the cards to the publisher: the runner never sees them', async () => {
    const world = useCaseWorld();
    await world.seed(
      applyAll(smokedState(), [
        [{ type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true }, minutes(32)],
      ]),
    );
    const result = await apply(world.ctx, { type: 'go_no_go', actor: U_SRE, roleId: 'sre_oncall', go: true });
    expect(result.effects).toEqual([{ kind: 'post_card', card: 'approvals' }]);
    expect(world.effects.effects).toEqual([]);
    expect(world.publisher.told[0]?.result.effects).toEqual([{ kind: 'post_card', card: 'approvals' }]);
  });

  it('records a refusal in the ledger and tells nobody; a duplicate is not even recorded', async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    expect((await apply(world.ctx, { type: 'pause', actor: U_OUT })).outcome).toBe('refused');
    await apply(world.ctx, { type: 'pause', actor: U_SRE });
    expect((await apply(world.ctx, { type: 'pause', actor: U_SRE })).outcome).toBe('noop');
    expect(world.reasons()).toEqual(['not_permitted', 'paused']);
    expect(world.publisher.told.map(({ result }) => result.reason)).toEqual(['paused']);
    expect(world.effects.runs).toHaveLength(1);
  });

  it('runs the effects of a recorded decision: a rollback asked for again re-issues its job', async () => {
    const world = useCaseWorld();
    const rolling = applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
      [{ type: 'rollback', actor: U_SRE, reason: 'paged' }, minutes(41)],
    ]);
    await world.seed(rolling);
    const again = await apply(world.ctx, { type: 'rollback', actor: U_SRE, reason: 'paged again' });
    expect(again.outcome).toBe('recorded');
    expect(world.effects.effects).toEqual([
      { kind: 'roll_back', fromPct: 5, reason: 'paged', rollbackId: rolling.rollback?.rollbackId },
    ]);
  });

  it('keeps a committed transition when telling Slack fails, and reports the failure', async () => {
    const world = useCaseWorld();
    world.publisher.failWith = new Error('slack is down');
    const result = await apply(world.ctx, startEvent());
    expect(result.outcome).toBe('applied');
    expect((await world.store.load('M6')).state).not.toBeNull();
    expect(world.publishErrors.map((error) => error.message)).toEqual(['slack is down']);
  });

  it('ramps by itself after a soak when the plan says autoAdvance, as the bot, on the current artifact root', async () => {
    const { world, soakPassed } = await soakingWithAutoAdvance();
    const soaked = await apply(world.ctx, soakPassed);
    expect(soaked.effects).toEqual([{ kind: 'request_ramp', weightPct: 25 }]);
    expect(world.newEntries().map((entry) => [entry.body.reason, entry.body.actor])).toEqual([
      ['soak_passed', SYSTEM_ACTOR],
      ['ramp_accepted', SYSTEM_ACTOR],
    ]);
    expect(world.effects.effects.map((effect) => effect.kind)).toEqual(['set_traffic']);
  });

  it('removes the outbox item of a transition once its work is handed on', async () => {
    const world = useCaseWorld();
    const result = await apply(world.ctx, startEvent());
    expect(result).toMatchObject({ outboxId: '1' });
    expect(result).not.toHaveProperty('undelivered');
    expect(await world.store.pending()).toEqual([]);
  });

  it('keeps the work in the outbox when handing it on fails, and says it is undelivered', async () => {
    const world = useCaseWorld();
    world.effects.failWith = new Error('the queue refused the write');
    const result = await apply(world.ctx, startEvent());
    expect(result).toMatchObject({ outcome: 'applied', reason: 'rollout_started', undelivered: true });
    expect(world.reasons()).toEqual(['rollout_started']);
    expect(world.publishErrors.map((error) => error.message)).toEqual(['the queue refused the write']);
    const [pending] = await world.store.pending();
    expect(pending?.work.decision.effects).toEqual([
      { kind: 'run_check', check: 'preflight', runId: 'R1.1' },
    ]);
    expect(pending?.entry).toEqual('entry' in result ? result.entry : 'no entry');

    world.effects.failWith = undefined;
    await deliverEffects(world.ctx, pending as NonNullable<typeof pending>);
    expect(world.effects.effects).toEqual([{ kind: 'run_check', check: 'preflight', runId: 'R1.1' }]);
    expect(await world.store.pending()).toEqual([]);
  });

  it('applies a ramp the plan asked for once, however often its item is delivered, even when it is refused', async () => {
    const { world, soakPassed } = await soakingWithAutoAdvance();
    world.effects.failWith = new Error('the queue refused the write');
    const soaked = await apply(world.ctx, soakPassed);
    expect(soaked).toMatchObject({ reason: 'soak_passed', undelivered: true });
    const [item] = await world.store.pending();
    if (!item) throw new Error("expected the soak's work in the outbox");
    world.effects.failWith = undefined;
    // Two processes deliver the same item: the second finds it carried out already.
    await Promise.all([deliverEffects(world.ctx, item), deliverEffects(world.ctx, item)]);
    await deliverEffects(world.ctx, item);
    expect(world.newEntries().map((entry) => entry.body.reason)).toEqual(['soak_passed', 'ramp_accepted']);
    expect(await world.store.pending()).toEqual([]);
  });

  it("removes a requested ramp's item once, when the ramp is refused", async () => {
    const { world, soakPassed } = await soakingWithAutoAdvance();
    // The artifact root moved: every approval is void, so the requested ramp is refused.
    world.files.root = ROOT_B;
    world.publisher.failWith = new Error('slack is down');
    await apply(world.ctx, soakPassed);
    world.publisher.failWith = undefined;
    const [item] = await world.store.pending();
    if (!item) throw new Error("expected the soak's work in the outbox");
    await deliverEffects(world.ctx, item);
    await deliverEffects(world.ctx, item);
    expect(world.newEntries().map((entry) => entry.body.outcome)).toEqual(['applied', 'refused']);
    expect(await world.store.pending()).toEqual([]);
  });

  it('with an expected version the state has moved past, changes nothing and tells nobody', async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    const result = await apply(world.ctx, { type: 'pause', actor: U_SRE }, { expectedVersion: 7 });
    expect(result.outcome).toBe('conflict');
    expect(world.reasons()).toEqual([]);
    expect(world.publisher.told).toEqual([]);
  });
});

describe('currentArtifactRoot', () => {
  it('is the root of the artifact files as they are now', async () => {
    const world = useCaseWorld();
    world.files.root = ROOT_B;
    expect(await currentArtifactRoot(world.ctx)).toBe(ROOT_B);
  });
});
