import { describe, expect, it } from 'vitest';
import { FileFlagRegistry } from '../../src/adapters/files/file-flag-registry.js';
import { MemoryTrafficController } from '../../src/adapters/memory/memory-traffic-controller.js';
import { redisAdapters } from '../../src/adapters/redis/redis-adapters.js';
import { moveTraffic, type TrafficDeps } from '../../src/app/move-traffic.js';
import { MecError } from '../../src/domain/errors.js';
import { T0, U_RM } from '../domain/fixtures.js';
import { useTestRedis } from '../support/redis.js';
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
