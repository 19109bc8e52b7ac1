import { describe, expect, it } from 'vitest';
import { deliverPending } from '../../src/app/deliver-pending.js';
import { apply } from '../../src/app/rollout-context.js';
import { readyState, startEvent, U_SRE } from '../domain/fixtures.js';
import { useCaseWorld } from '../support/use-case-world.js';

describe('deliverPending', () => {
  it('delivers what a failed hand-on left in the outbox, oldest first, and empties it', async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    world.publisher.failWith = new Error('the notify queue refused the write');
    await apply(world.ctx, { type: 'pause', actor: U_SRE });
    await apply(world.ctx, { type: 'resume', actor: U_SRE });
    expect((await world.store.pending()).map((item) => item.work.event.type)).toEqual(['pause', 'resume']);
    world.publisher.failWith = undefined;
    world.publisher.told.length = 0;

    expect(await deliverPending(world.ctx)).toEqual({ delivered: 2, pending: 0 });
    expect(world.publisher.told.map(({ result }) => result.reason)).toEqual(['paused', 'resumed']);
    expect(await world.store.pending()).toEqual([]);
    expect(await deliverPending(world.ctx)).toEqual({ delivered: 0, pending: 0 });
  });

  it('delivers each item on its own: one that fails again stays pending, and the later ones go out', async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    world.publisher.failWith = new Error('the notify queue refused the write');
    await apply(world.ctx, { type: 'pause', actor: U_SRE });
    await apply(world.ctx, { type: 'resume', actor: U_SRE });
    world.publisher.failWith = undefined;
    world.publishErrors.length = 0;
    const { publisher } = world.ctx;
    world.ctx.publisher = {
      ...publisher,
      postApprovalCard: (phase) => publisher.postApprovalCard(phase),
      redraw: (phase) => publisher.redraw(phase),
      postReview: (phase, review) => publisher.postReview(phase, review),
      published: async (phase, result, event) => {
        if (event.type === 'pause') throw new Error('this one fails again');
        await publisher.published(phase, result, event);
      },
    };

    expect(await deliverPending(world.ctx)).toEqual({ delivered: 1, pending: 1 });
    expect(world.publishErrors.map((error) => error.message)).toEqual(['this one fails again']);
    expect((await world.store.pending()).map((item) => item.work.event.type)).toEqual(['pause']);
  });

  it("leaves another phase's work to that phase's bot", async () => {
    const world = useCaseWorld();
    world.effects.failWith = new Error('the queue refused the write');
    await apply(world.ctx, startEvent());
    world.effects.failWith = undefined;
    const other = { ...world.ctx, phase: 'M7' };
    expect(await deliverPending(other)).toEqual({ delivered: 0, pending: 0 });
    expect(await world.store.pending()).toHaveLength(1);
    expect(await deliverPending(world.ctx)).toEqual({ delivered: 1, pending: 0 });
  });
});
