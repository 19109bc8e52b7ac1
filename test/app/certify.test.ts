import { describe, expect, it } from 'vitest';
import { certify } from '../../src/app/certify.js';
import { checkRegistry, REGISTRY_GATE } from '../../src/app/registry-guard.js';
import { apply } from '../../src/app/rollout-context.js';
import { registryMerkleRoot } from '../../src/domain/merkle.js';
import { completeState, ROOT_B, readyState, U_GOV } from '../domain/fixtures.js';
import { useCaseWorld } from '../support/use-case-world.js';

/** A world whose registry the bot adopted at start, as main.ts has it checked at start-up. */
async function adoptedWorld() {
  const world = useCaseWorld();
  await checkRegistry(world.ctx, 'M6');
  return world;
}

describe('certify', () => {
  it('records the final artifact and registry roots on the completed rollout, once', async () => {
    const world = await adoptedWorld();
    await world.seed(completeState());
    world.files.root = ROOT_B;
    expect(await certify(world.ctx, 'R1')).toBe('certified');
    const registryRoot = registryMerkleRoot(world.registry.flags);
    expect((await world.store.load('M6')).state?.certified).toMatchObject({
      artifactRoot: ROOT_B,
      registryRoot,
    });
    expect(world.newEntries().map((entry) => [entry.body.reason, entry.body.detail])).toEqual([
      ['phase_certified', expect.objectContaining({ facts: { artifactRoot: ROOT_B, registryRoot } })],
    ]);
    expect(await certify(world.ctx, 'R1')).toBe('already certified');
    expect(world.reasons()).toEqual(['phase_certified']);
  });

  it('certifies nothing while another writer holds the registry: the check was cut short, the job retries', async () => {
    const world = await adoptedWorld();
    await world.seed(completeState());
    // Another writer has begun a write and put its file down, but not confirmed it yet.
    const { root } = await world.rootRecord.get();
    const writing = { ...world.registry.flags, meta_shadow_logging: false };
    await world.rootRecord.begin(root, registryMerkleRoot(writing), 'another-writer');
    world.registry.handEdit(writing);
    await expect(certify(world.ctx, 'R1')).rejects.toMatchObject({ code: 'registry_check_incomplete' });
    expect((await world.store.load('M6')).state?.certified).toBeUndefined();
    expect(world.reasons()).toEqual([]);
  });

  it('certifies nothing for a rollout that has not completed', async () => {
    const world = await adoptedWorld();
    await world.seed(readyState());
    expect(await certify(world.ctx, 'R1')).toBe('already certified');
    expect((await world.store.load('M6')).state?.certified).toBeUndefined();
    expect(world.reasons()).toEqual([]);
  });

  it('refuses to certify over a hand edit of the registry: the gate opens, and a person decides', async () => {
    const world = await adoptedWorld();
    await world.seed(completeState());
    world.registry.handEdit({ ...world.registry.flags, meta_shadow_logging: false });
    expect(await certify(world.ctx, 'R1')).toBe('refused: the registry was edited by hand');
    const { state } = await world.store.load('M6');
    expect(state?.certified).toBeUndefined();
    expect(Object.keys(state?.gates ?? {})).toEqual([REGISTRY_GATE]);
    expect(world.newEntries().map((entry) => [entry.body.outcome, entry.body.reason])).toEqual([
      ['applied', 'gate_opened'],
      ['refused', 'critical_gate_open'],
    ]);
    // Overridden, that very edit is what the phase is certified with.
    await apply(world.ctx, {
      type: 'override_gate',
      actor: U_GOV,
      gateId: REGISTRY_GATE,
      reason: 'ticket 7',
    });
    expect(await certify(world.ctx, 'R1')).toBe('certified');
    expect((await world.store.load('M6')).state?.certified?.registryRoot).toBe(
      registryMerkleRoot(world.registry.flags),
    );
  });
});
