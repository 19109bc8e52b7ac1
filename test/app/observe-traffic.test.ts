import { describe, expect, it } from 'vitest';
import { observeTraffic } from '../../src/app/observe-traffic.js';
import { apply } from '../../src/app/rollout-context.js';
import { runCommand } from '../../src/app/run-command.js';
import { MecError } from '../../src/domain/errors.js';
import { flagValueFor } from '../../src/domain/flag-value.js';
import {
  applyAll,
  BLOCKER_ALARM,
  minutes,
  rampEvent,
  readyState,
  trafficDone,
  U_RM,
  U_SRE,
} from '../domain/fixtures.js';

const liveAt5 = () =>
  applyAll(readyState(), [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
  ]);

import { useCaseWorld } from '../support/use-case-world.js';

function worldServing(weightPct: number) {
  const world = useCaseWorld();
  world.at(minutes(50));
  world.registry.handEdit({ ...world.registry.flags, meta_prod: flagValueFor(weightPct) });
  return world;
}

describe('observeTraffic', () => {
  it('with no record and the registry at 5%, opens state_lost on a recovered rollout and tells people', async () => {
    const world = worldServing(5);
    const result = await observeTraffic(world.ctx);
    expect(result).toMatchObject({ outcome: 'applied', reason: 'state_lost' });
    const { state } = await world.store.load('M6');
    expect(state).toMatchObject({ trafficPct: 5, status: 'active' });
    expect(state?.gates.state_lost?.summary).toContain('meta/meta_flags.json) serves 5%');
    expect(world.publisher.told.map((told) => told.result.reason)).toEqual(['state_lost']);
    // The ledger keeps the policy's digest, not the policy.
    const [entry] = world.newEntries();
    expect(entry?.body.detail).toMatchObject({
      request: { servingPct: 5, policyDigest: expect.any(String) },
    });
    expect(JSON.stringify(entry?.body)).not.toContain('"roles"');
  });

  it('records nothing when the record explains the weight', async () => {
    const world = worldServing(0);
    await world.seed(readyState());
    expect(await observeTraffic(world.ctx)).toMatchObject({ outcome: 'noop' });
    expect(world.reasons()).toEqual([]);
  });

  it('reads again when a ramp moves record and registry between its two reads, instead of crying loss', async () => {
    const world = worldServing(0);
    await world.seed(readyState());
    const read = world.registry.read.bind(world.registry);
    let raced = false;
    world.registry.read = async () => {
      if (!raced) {
        raced = true;
        // Accepted and written after observeTraffic read the record: the weight moved under it.
        await apply(world.ctx, rampEvent(5));
        world.registry.handEdit({ ...world.registry.flags, meta_prod: flagValueFor(5) });
      }
      return read();
    };
    expect(await observeTraffic(world.ctx)).toMatchObject({ outcome: 'noop' });
    expect(world.reasons()).toEqual(['ramp_accepted']);
  });

  it('gives up on a flag whose weight cannot be told, leaving that to the registry guard', async () => {
    const world = useCaseWorld();
    world.registry.handEdit({ meta_prod: 'on' });
    expect(await observeTraffic(world.ctx)).toBeUndefined();
    expect(world.reasons()).toEqual([]);
  });

  it('does not stand in the way of a BLOCKER when the registry cannot be read: the record decides', async () => {
    const world = worldServing(5);
    await world.seed(liveAt5());
    world.registry.read = async () => {
      throw new MecError('registry_malformed', 'meta/meta_flags.json is not JSON');
    };
    expect(await observeTraffic(world.ctx)).toBeUndefined();
    const blocker = await apply(world.ctx, BLOCKER_ALARM);
    expect(blocker).toMatchObject({ outcome: 'applied', reason: 'rollback_accepted' });
  });

  it('lets /mec rollback roll back from the weight served when the record says shadow', async () => {
    const world = worldServing(5);
    const outcome = await runCommand(world.ctx, { verb: 'rollback', dryRun: false, reason: 'paged' }, U_SRE);
    expect(outcome).toMatchObject({ result: { outcome: 'applied', reason: 'rollback_accepted' } });
    expect(world.effects.effects).toContainEqual(expect.objectContaining({ kind: 'roll_back', fromPct: 5 }));
  });

  it('shows the loss on /mec status, and refuses /mec start', async () => {
    const world = worldServing(25);
    expect(await runCommand(world.ctx, { verb: 'status' }, U_RM)).toEqual({ kind: 'status' });
    expect(world.reasons()).toEqual(['state_lost']);
    const start = await runCommand(world.ctx, { verb: 'start' }, U_RM);
    expect(start).toMatchObject({ result: { outcome: 'refused', reason: 'critical_gate_open' } });
  });
});
