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

  it('stops at the first item that fails again, keeping it and every later one', async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    world.publisher.failWith = new Error('the notify queue refused the write');
    await apply(world.ctx, { type: 'pause', actor: U_SRE });
    await apply(world.ctx, { type: 'resume', actor: U_SRE });
    world.publisher.told.length = 0;
    world.publishErrors.length = 0;

    expect(await deliverPending(world.ctx)).toEqual({ delivered: 0, pending: 2 });
    expect(world.publisher.told.map(({ result }) => result.reason)).toEqual(['paused']);
    expect(world.publishErrors).toHaveLength(1);
    expect(await world.store.pending()).toHaveLength(2);
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
