import { describe, expect, it } from 'vitest';
import { planRestore, planRollback } from '../../src/app/plan-restore.js';
import { SHADOW, useCaseWorld } from '../support/use-case-world.js';

const DIR = 'artifacts/mec/M6/backups/2025-10-21T13-00-30.000Z';

describe('planRestore', () => {
  it('says what restoring the backup would change, changing nothing', async () => {
    const world = useCaseWorld();
    world.registry.handEdit({ meta_prod: { mode: 'ramp', weightPct: 25 }, meta_new: 1 });
    const before = world.registry.flags;
    const plan = await planRestore(world.ctx, DIR);
    expect(plan).toEqual({
      ok: true,
      flags: world.backups.backedUp,
      change:
        'would restore meta_prod {"mode":"ramp","weightPct":25} → {"mode":"shadow","weightPct":0}, meta_new 1 → null, meta_shadow_logging null → true',
    });
    expect(world.registry.flags).toEqual(before);
    expect(world.registry.writes).toBe(0);
  });

  it('says so when the registry already matches the backup', async () => {
    const world = useCaseWorld();
    expect(await planRestore(world.ctx, DIR)).toMatchObject({
      ok: true,
      change: 'the registry already matches the backup',
    });
  });

  it('lists what is wrong with a backup whose checksums do not hold, and plans nothing', async () => {
    const world = useCaseWorld();
    world.backups.verdict = { ok: false, problems: ['meta/meta_flags.json does not match its checksum'] };
    expect(await planRestore(world.ctx, DIR)).toEqual({
      ok: false,
      problems: ['meta/meta_flags.json does not match its checksum'],
    });
  });
});

describe('planRollback', () => {
  it('says there is no backup before the backup step has run', async () => {
    expect(await planRollback(useCaseWorld().ctx, undefined)).toEqual({
      ok: false,
      detail: 'there is no backup yet: the backup step has not run',
    });
  });

  it('names the backup whose checksums hold, and what restoring it would change', async () => {
    const world = useCaseWorld();
    world.registry.handEdit({ ...world.backups.backedUp, meta_prod: { mode: 'ramp', weightPct: 5 } });
    expect(await planRollback(world.ctx, DIR)).toEqual({
      ok: true,
      detail: `the checksums of ${DIR} hold; would restore meta_prod {"mode":"ramp","weightPct":5} → ${JSON.stringify(SHADOW)}`,
    });
  });

  it('gives the problems of a backup that does not hold', async () => {
    const world = useCaseWorld();
    world.backups.verdict = {
      ok: false,
      problems: ['a is missing from the backup', 'b does not match its checksum'],
    };
    expect(await planRollback(world.ctx, DIR)).toEqual({
      ok: false,
      detail: 'a is missing from the backup; b does not match its checksum',
    });
  });
});
