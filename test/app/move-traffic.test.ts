import { describe, expect, it } from 'vitest';
import { FileFlagRegistry } from '../../src/adapters/files/file-flag-registry.js';
import { MemoryTrafficController } from '../../src/adapters/memory/memory-traffic-controller.js';
import { redisAdapters } from '../../src/adapters/redis/redis-adapters.js';
import { moveTraffic, type TrafficDeps } from '../../src/app/move-traffic.js';
import { MecError } from '../../src/domain/errors.js';
import { T0, U_RM } from '../domain/fixtures.js';
import { useTestRedis } from '../support/redis.js';
import { SHADOW, type UseCaseWorld, useCaseWorld } from '../support/use-case-world.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const testRedis = useTestRedis();
const RAMP_25 = { phase: 'M6', rolloutId: 'R1', actor: U_RM, weightPct: 25 };
const lockLost = () => new MecError('lock_lost', 'lost the traffic-R1 lock');

async function setup() {
  const { prefix, connect } = testRedis();
  const registry = new FileFlagRegistry(await copyExampleWorkspace(), 'meta/meta_flags.json');
  const external = new MemoryTrafficController();
  const lock = new AbortController();
  const deps: TrafficDeps = {
    registry,
    rootRecord: redisAdapters(connect(), prefix).rootRecord,
    now: () => T0,
    flag: 'meta_prod',
    external,
    signal: lock.signal,
  };
  return { deps, registry, external, lock };
}

describe('moving traffic under the traffic lock', () => {
  it('writes nothing and tells no one once the lock is lost', async () => {
    const { deps, registry, external, lock } = await setup();
    const before = await registry.read();
    lock.abort(lockLost());

    await expect(moveTraffic(deps, RAMP_25)).rejects.toMatchObject({ code: 'lock_lost' });
    expect((await registry.read()).root).toBe(before.root);
    expect(external.told).toEqual([]);
  });

  it('does not tell the flag system when the lock is lost while the registry is written', async () => {
    const { deps, registry, external, lock } = await setup();
    const losing = {
      read: () => registry.read(),
      write: (...args: Parameters<FileFlagRegistry['write']>) => {
        lock.abort(lockLost());
        return registry.write(...args);
      },
    };

    await expect(moveTraffic({ ...deps, registry: losing }, RAMP_25)).rejects.toMatchObject({
      code: 'lock_lost',
    });
    expect(external.told).toEqual([]);
  });
});

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
