import { describe, expect, it } from 'vitest';
import { apply } from '../../src/app/rollout-context.js';
import { startOutboxDispatcher } from '../../src/composition/outbox-dispatcher.js';
import { startEvent } from '../domain/fixtures.js';
import { recordingLog } from '../support/recording-log.js';
import { useCaseWorld } from '../support/use-case-world.js';

const REFUSED = new Error('the queue refused the write');

describe('startOutboxDispatcher', () => {
  it('delivers what is pending at start, before anything else is asked of it', async () => {
    const world = useCaseWorld();
    world.effects.failWith = REFUSED;
    await apply(world.ctx, startEvent());
    world.effects.failWith = undefined;
    const log = recordingLog();
    const dispatcher = startOutboxDispatcher(world.ctx, 60_000, log);
    await dispatcher.started;
    expect(world.effects.effects.map((effect) => effect.kind)).toEqual(['run_check']);
    expect(await world.store.pending()).toEqual([]);
    expect(log.at('info').map((line) => line.fields)).toEqual([{ delivered: 1, pending: 0 }]);
    await dispatcher.close();
  });

  it('keeps delivering on its timer until the fault clears', async () => {
    const world = useCaseWorld();
    world.effects.failWith = REFUSED;
    await apply(world.ctx, startEvent());
    const dispatcher = startOutboxDispatcher(world.ctx, 10, recordingLog());
    await dispatcher.started;
    expect(await world.store.pending()).toHaveLength(1);
    world.effects.failWith = undefined;
    await expect.poll(async () => (await world.store.pending()).length, { timeout: 10_000 }).toBe(0);
    expect(world.effects.effects.map((effect) => effect.kind)).toEqual(['run_check']);
    await dispatcher.close();
  });

  it('logs a round that cannot read the outbox, and goes on', async () => {
    const world = useCaseWorld();
    let reads = 0;
    const pending = world.ctx.outbox.pending.bind(world.ctx.outbox);
    world.ctx.outbox = {
      done: (id) => world.store.done(id),
      pending: async () => {
        reads += 1;
        if (reads === 1) throw new Error('redis is down');
        return pending();
      },
    };
    const log = recordingLog();
    const dispatcher = startOutboxDispatcher(world.ctx, 10, log);
    await dispatcher.started;
    expect(log.at('warn').map((line) => line.message)).toEqual(['reading the outbox failed']);
    await expect.poll(() => reads, { timeout: 10_000 }).toBeGreaterThan(1);
    await dispatcher.close();
  });

  it('runs no round after it is closed', async () => {
    const world = useCaseWorld();
    let reads = 0;
    world.ctx.outbox = {
      done: async () => undefined,
      pending: async () => {
        reads += 1;
        return [];
      },
    };
    const dispatcher = startOutboxDispatcher(world.ctx, 10, recordingLog());
    await dispatcher.started;
    await dispatcher.close();
    const closedAt = reads;
    // Another round would have been due many times over; none may start after close.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reads).toBe(closedAt);
  });
});
