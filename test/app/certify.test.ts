import { describe, expect, it } from 'vitest';
import { certify } from '../../src/app/certify.js';
import { registryMerkleRoot } from '../../src/domain/merkle.js';
import { completeState, ROOT_B, readyState } from '../domain/fixtures.js';
import { useCaseWorld } from '../support/use-case-world.js';

describe('certify', () => {
  it('records the final artifact and registry roots on the completed rollout, once', async () => {
    const world = useCaseWorld();
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

  it('certifies nothing for a rollout that has not completed', async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    expect(await certify(world.ctx, 'R1')).toBe('already certified');
    expect((await world.store.load('M6')).state?.certified).toBeUndefined();
    expect(world.reasons()).toEqual([]);
  });
});
