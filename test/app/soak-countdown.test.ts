import { describe, expect, it } from 'vitest';
import { soakCountdown } from '../../src/app/soak-countdown.js';
import { applyAll, minutes, rampEvent, readyState, soakDone, trafficDone } from '../domain/fixtures.js';
import { useCaseWorld } from '../support/use-case-world.js';

/** A world whose rollout soaks at 5% from T0+40m, for 15 minutes. */
async function soaking(settings: { countdownInterval?: number } = {}) {
  const world = useCaseWorld();
  if (settings.countdownInterval !== undefined)
    world.ctx.settings = {
      ...world.ctx.settings,
      jobs: { ...world.ctx.settings.jobs, countdownInterval: settings.countdownInterval },
    };
  const state = applyAll(readyState(), [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
  ]);
  await world.seed(state);
  const soak = state.soak;
  if (!soak) throw new Error('the fixture soaks');
  return { world, countdown: { rolloutId: state.rolloutId, soakId: soak.soakId, tick: 0 } };
}

describe('soakCountdown', () => {
  it('redraws the rollout message while the soak runs, and again a minute later by default', async () => {
    const { world, countdown } = await soaking();
    world.at(minutes(41));
    expect(await soakCountdown(world.ctx, countdown)).toEqual({
      outcome: 'redrawn',
      next: { countdown: { ...countdown, tick: 1 }, delayMs: 60_000 },
    });
    expect(world.publisher.redraws).toEqual(['M6']);
  });

  it('comes back at the soak’s end when that is sooner, and never less often than once a minute', async () => {
    const short = await soaking({ countdownInterval: 20_000 });
    short.world.at(new Date(minutes(55).getTime() - 5_000));
    expect((await soakCountdown(short.world.ctx, short.countdown)).next?.delayMs).toBe(5_000);
    const slow = await soaking({ countdownInterval: 5 * 60_000 });
    slow.world.at(minutes(41));
    expect((await soakCountdown(slow.world.ctx, slow.countdown)).next?.delayMs).toBe(60_000);
  });

  it('ends, redrawing nothing, once the soak is over or for another soak', async () => {
    const { world, countdown } = await soaking();
    world.at(minutes(41));
    expect(await soakCountdown(world.ctx, { ...countdown, soakId: 'another' })).toEqual({ outcome: 'stale' });
    expect(await soakCountdown(world.ctx, { ...countdown, rolloutId: 'M6-r0' })).toEqual({
      outcome: 'stale',
    });
    const { state } = await world.store.load('M6');
    if (!state) throw new Error('seeded');
    await world.seed(applyAll(state, [[soakDone(), minutes(55)]]));
    world.at(minutes(56));
    expect(await soakCountdown(world.ctx, countdown)).toEqual({ outcome: 'stale' });
    expect(world.publisher.redraws).toEqual([]);
  });
});
