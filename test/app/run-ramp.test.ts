import { describe, expect, it } from 'vitest';
import { checkRegistry, REGISTRY_GATE } from '../../src/app/registry-guard.js';
import { runRamp } from '../../src/app/run-ramp.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { applyAll, minutes, rampEvent, readyState, U_RM, U_SRE } from '../domain/fixtures.js';
import { SHADOW, useCaseWorld } from '../support/use-case-world.js';

/** A ramp to 5% accepted at T0+40m, its traffic not moved yet. */
const pending = (): RolloutState => applyAll(readyState(), [[rampEvent(5), minutes(40)]]);
const rampOf = (state: RolloutState) => ({
  rampId: state.pendingRamp?.rampId ?? '',
  weightPct: state.pendingRamp?.weightPct ?? 0,
  rolloutId: 'R1',
});

describe('runRamp', () => {
  it('moves the traffic under the rollout lock, writing the registry, the external system, then the report', async () => {
    const world = useCaseWorld();
    const state = pending();
    await world.seed(state);
    world.at(minutes(41));
    expect(await runRamp(world.ctx, rampOf(state))).toBe('applied');
    expect(world.locks).toEqual(['traffic-R1']);
    expect(world.registry.flags.meta_prod).toEqual({ mode: 'ramp', weightPct: 5 });
    expect(world.traffic.changes).toEqual([{ phase: 'M6', rolloutId: 'R1', actor: U_RM, weightPct: 5 }]);
    expect(world.reasons()).toEqual(['registry_adopted', 'registry_write', 'traffic_applied']);
    const { state: after } = await world.store.load('M6');
    expect(after).toMatchObject({
      trafficPct: 5,
      soak: { status: 'running', endsAt: minutes(56).toISOString() },
    });
    expect(world.effects.effects.map((effect) => effect.kind)).toEqual(['end_soak_at']);
  });

  it('writes nothing for a ramp that is no longer pending, as after a rollback', async () => {
    const world = useCaseWorld();
    const state = pending();
    await world.seed(applyAll(state, [[{ type: 'rollback', actor: U_SRE, reason: 'stop' }, minutes(41)]]));
    expect(await runRamp(world.ctx, rampOf(state))).toBe('stale');
    expect(world.registry.flags.meta_prod).toEqual(SHADOW);
    expect(world.traffic.changes).toEqual([]);
    expect(world.reasons()).toEqual([]);
  });

  it('does not write over a hand-edited registry: it opens the registry_tampered gate for a person to decide', async () => {
    const world = useCaseWorld();
    const state = pending();
    await world.seed(state);
    await checkRegistry(world.ctx, 'M6');
    world.registry.handEdit({ meta_prod: { mode: 'enabled', weightPct: 100 } });
    expect(await runRamp(world.ctx, rampOf(state))).toBe('registry_tampered');
    expect(world.registry.flags.meta_prod).toEqual({ mode: 'enabled', weightPct: 100 });
    expect(Object.keys((await world.store.load('M6')).state?.gates ?? {})).toEqual([REGISTRY_GATE]);
    expect(world.traffic.changes).toEqual([]);
  });

  it('moves traffic once when run again after a crash between the write and the report', async () => {
    const world = useCaseWorld();
    const state = pending();
    await world.seed(state);
    let crashed = false;
    world.ctx.crashpoint = async (name) => {
      if (name === 'ramp:after_write' && !crashed) {
        crashed = true;
        throw new Error('the worker died');
      }
    };
    await expect(runRamp(world.ctx, rampOf(state))).rejects.toThrow('the worker died');
    expect(await runRamp(world.ctx, rampOf(state))).toBe('applied');
    expect(world.registry.writes).toBe(1);
    expect(world.reasons().filter((reason) => reason === 'registry_write')).toHaveLength(1);
    expect(world.reasons().at(-1)).toBe('traffic_applied');
  });
});
