import { describe, expect, it } from 'vitest';
import { moveTraffic } from '../../src/app/move-traffic.js';
import { MecError } from '../../src/domain/errors.js';
import { SHADOW, type UseCaseWorld, useCaseWorld } from '../support/use-case-world.js';

const change = (weightPct: number) => ({ phase: 'M6', rolloutId: 'R1', actor: 'U0RELEASEMGR', weightPct });

const trafficDeps = (world: UseCaseWorld, external = true) => ({
  registry: world.registry,
  rootRecord: world.rootRecord,
  now: world.ctx.now,
  flag: 'meta_prod',
  external: external ? world.traffic : undefined,
});

describe('moveTraffic', () => {
  it('writes meta_prod once, and records nothing when the weight is already set', async () => {
    const world = useCaseWorld();
    const deps = trafficDeps(world, false);
    expect(await moveTraffic(deps, change(25))).toEqual({ changed: true });
    expect(await moveTraffic(deps, change(25))).toEqual({ changed: false });
    expect(world.registry.flags.meta_prod).toEqual({ mode: 'ramp', weightPct: 25 });
    expect(world.registry.writes).toBe(1);
    expect(world.reasons().filter((reason) => reason === 'registry_write')).toHaveLength(1);
  });

  it.each([
    [0, { mode: 'shadow', weightPct: 0 }],
    [60, { mode: 'ramp', weightPct: 60 }],
    [100, { mode: 'enabled', weightPct: 100 }],
  ])('sets %i%% as the flag value %j', async (weightPct, value) => {
    const world = useCaseWorld();
    await moveTraffic(trafficDeps(world), change(5));
    await moveTraffic(trafficDeps(world), change(weightPct));
    expect(world.registry.flags.meta_prod).toEqual(value);
  });

  it('records who moved traffic and the value before and after, leaving the other flags alone', async () => {
    const world = useCaseWorld();
    await moveTraffic(trafficDeps(world), change(5));
    const write = world.newEntries().find((entry) => entry.body.reason === 'registry_write');
    expect(write?.body).toMatchObject({
      rolloutId: 'R1',
      actor: 'U0RELEASEMGR',
      before: { meta_prod: SHADOW },
      after: { meta_prod: { mode: 'ramp', weightPct: 5 } },
    });
    expect(world.registry.flags.meta_shadow_logging).toBe(true);
  });

  it('tells the external flag system after the registry, and again on a re-run, which it must take as one change', async () => {
    const world = useCaseWorld();
    await moveTraffic(trafficDeps(world), change(5));
    await moveTraffic(trafficDeps(world), change(5));
    expect(world.traffic.changes).toEqual([change(5), change(5)]);
    expect(world.registry.writes).toBe(1);
  });

  it('refuses to write over a hand-edited registry, telling nobody, with the code registry_write_failed', async () => {
    const world = useCaseWorld();
    await moveTraffic(trafficDeps(world), change(5));
    world.registry.handEdit({ meta_prod: { mode: 'enabled', weightPct: 100 } });
    const failure = await moveTraffic(trafficDeps(world), change(25)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MecError);
    expect(failure).toMatchObject({ code: 'registry_write_failed' });
    expect((failure as Error).message).toContain('edited by hand');
    expect(world.registry.flags.meta_prod).toEqual({ mode: 'enabled', weightPct: 100 });
    expect(world.traffic.changes).toEqual([change(5)]);
  });
});
