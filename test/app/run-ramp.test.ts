import { describe, expect, it } from 'vitest';
import { checkRegistry, REGISTRY_GATE } from '../../src/app/registry-guard.js';
import { apply } from '../../src/app/rollout-context.js';
import { runRamp } from '../../src/app/run-ramp.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { applyAll, minutes, rampEvent, readyState, U_GOV, U_RM, U_SRE } from '../domain/fixtures.js';
import { SHADOW, useCaseWorld } from '../support/use-case-world.js';

/** A ramp to 5% accepted at T0+40m, its traffic not moved yet. */
const pending = (): RolloutState => applyAll(readyState(), [[rampEvent(5), minutes(40)]]);
const overrideEvent = {
  type: 'override_gate',
  actor: U_GOV,
  gateId: REGISTRY_GATE,
  reason: 'the on-call changed it by mistake; ticket 7',
} as const;
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

  it('does not write over a hand-edited registry: it cancels the ramp, opens the registry_tampered gate and tells people', async () => {
    const world = useCaseWorld();
    const state = pending();
    await world.seed(state);
    await checkRegistry(world.ctx, 'M6');
    const bots = world.registry.flags;
    world.registry.handEdit({ ...bots, meta_prod: { mode: 'enabled', weightPct: 100 } });
    expect(await runRamp(world.ctx, rampOf(state))).toBe('registry_tampered');
    expect(world.registry.flags.meta_prod).toEqual({ mode: 'enabled', weightPct: 100 });
    expect(world.traffic.changes).toEqual([]);
    const { state: after } = await world.store.load('M6');
    expect(Object.keys(after?.gates ?? {})).toEqual([REGISTRY_GATE]);
    expect(after?.pendingRamp).toBeUndefined();
    const told = world.publisher.told.map(({ result }) => result);
    expect(told).toMatchObject([{ outcome: 'applied', reason: 'ramp_cancelled' }]);
    expect(told[0]?.message).toContain('Ramp to 5% cancelled');
    // The edit is undone and a person overrides the gate: the next ramp is accepted and moves traffic.
    world.registry.handEdit(bots);
    world.at(minutes(42));
    expect((await apply(world.ctx, overrideEvent)).outcome).toBe('applied');
    const ramp = await apply(world.ctx, rampEvent(5));
    expect(ramp).toMatchObject({ outcome: 'applied', reason: 'ramp_accepted' });
    const { state: accepted } = await world.store.load('M6');
    expect(await runRamp(world.ctx, rampOf(accepted as RolloutState))).toBe('applied');
    expect(world.registry.flags.meta_prod).toEqual({ mode: 'ramp', weightPct: 5 });
  });

  it('writes over a hand edit a person overrode, and the ledger says it did', async () => {
    const world = useCaseWorld();
    const state = pending();
    await world.seed(state);
    await checkRegistry(world.ctx, 'M6');
    world.registry.handEdit({ ...world.registry.flags, meta_shadow_logging: false });
    const edited = (await world.registry.read()).root;
    expect(await runRamp(world.ctx, rampOf(state))).toBe('registry_tampered');
    await apply(world.ctx, overrideEvent);
    await apply(world.ctx, rampEvent(5));
    const { state: accepted } = await world.store.load('M6');
    expect(await runRamp(world.ctx, rampOf(accepted as RolloutState))).toBe('applied');
    expect(world.registry.flags).toEqual({
      meta_prod: { mode: 'ramp', weightPct: 5 },
      meta_shadow_logging: false,
    });
    const write = world.newEntries().find((entry) => entry.body.reason === 'registry_write');
    expect(write?.body.detail).toMatchObject({ overwroteHandEditedRoot: edited });
  });

  it('opens the gate again for a different hand edit after an override, and cancels that ramp too', async () => {
    const world = useCaseWorld();
    const state = pending();
    await world.seed(state);
    await checkRegistry(world.ctx, 'M6');
    const bots = world.registry.flags;
    world.registry.handEdit({ ...bots, meta_prod: { mode: 'enabled', weightPct: 100 } });
    expect(await runRamp(world.ctx, rampOf(state))).toBe('registry_tampered');
    await apply(world.ctx, overrideEvent);
    world.registry.handEdit({ ...bots, meta_prod: { mode: 'enabled', weightPct: 60 } });
    await apply(world.ctx, rampEvent(5));
    const { state: accepted } = await world.store.load('M6');
    expect(await runRamp(world.ctx, rampOf(accepted as RolloutState))).toBe('registry_tampered');
    const { state: after } = await world.store.load('M6');
    expect(Object.keys(after?.gates ?? {})).toEqual([REGISTRY_GATE]);
    expect(after?.overrides).toEqual({});
    expect(after?.pendingRamp).toBeUndefined();
    expect(world.registry.flags.meta_prod).toEqual({ mode: 'enabled', weightPct: 60 });
    expect(world.reasons().filter((reason) => reason === 'ramp_cancelled')).toHaveLength(2);
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
