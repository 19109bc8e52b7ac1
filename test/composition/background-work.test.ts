import { describe, expect, it } from 'vitest';
import { backgroundWork } from '../../src/composition/background-work.js';
import { NO_COUNTS } from '../../src/domain/alarm-watch.js';
import { applyAll, minutes, rampEvent, readyState } from '../domain/fixtures.js';
import { useCaseWorld } from '../support/use-case-world.js';

describe('backgroundWork', () => {
  it('runs each job with its use case on the one context it was given', async () => {
    const world = useCaseWorld();
    const pending = applyAll(readyState(), [[rampEvent(5), minutes(40)]]);
    await world.seed(pending);
    const work = backgroundWork(world.ctx);
    expect(
      await work.runRamp({ rampId: pending.pendingRamp?.rampId ?? '', weightPct: 5, rolloutId: 'R1' }),
    ).toBe('applied');
    expect(world.registry.flags.meta_prod).toEqual({ mode: 'ramp', weightPct: 5 });
    expect(await work.runRollback({ rollbackId: 'R1.99', rolloutId: 'R1' })).toBe('stale');
    expect(await work.runCheck({ check: 'preflight', runId: 'R1.99', rolloutId: 'R1' })).toBe('stale');
    expect(await work.certify('R1')).toBe('already certified');
    const tick = {
      kind: 'soak' as const,
      rolloutId: 'R0',
      watchId: 'x',
      tick: 0,
      counters: NO_COUNTS,
      samples: [],
    };
    expect(await work.watchTick(tick)).toEqual({ outcome: 'stale' });
    expect((await work.postReview()).to).toBe(world.ctx.now().toISOString());
    expect(world.publisher.reviews).toHaveLength(1);
  });
});
