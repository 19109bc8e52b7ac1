import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileFlagRegistry } from '../../../src/adapters/files/file-flag-registry.js';
import { registryMerkleRoot } from '../../../src/domain/merkle.js';
import { copyExampleWorkspace } from '../../support/workspace.js';

const AT = new Date('2025-10-21T20:18:05.123Z');

describe('FileFlagRegistry', () => {
  it('reads the flags and their Merkle root', async () => {
    const workspace = await copyExampleWorkspace();
    const { flags, root } = await new FileFlagRegistry(workspace, 'meta/meta_flags.json').read();
    expect(flags.meta_prod).toEqual({ mode: 'shadow', weightPct: 0 });
    expect(root).toBe(registryMerkleRoot(flags));
  });

  it('sees a hand edit made after a read, and gives every reader flags of its own to change', async () => {
    const workspace = await copyExampleWorkspace();
    const registry = new FileFlagRegistry(workspace, 'meta/meta_flags.json');
    const first = await registry.read();
    first.flags.meta_prod = 'changed by a caller';
    expect((await registry.read()).flags.meta_prod).toEqual({ mode: 'shadow', weightPct: 0 });
    const edited = { ...first.flags, meta_prod: { mode: 'ramp', weightPct: 25 } };
    await writeFile(join(workspace, 'meta/meta_flags.json'), JSON.stringify(edited));
    expect(await registry.read()).toEqual({ flags: edited, root: registryMerkleRoot(edited) });
  });

  it('writes the flags and a snapshot named meta_flags_<timestamp>_<root>.json, as in the seed', async () => {
    const workspace = await copyExampleWorkspace();
    const registry = new FileFlagRegistry(workspace, 'meta/meta_flags.json');
    const { flags } = await registry.read();
    const next = { ...flags, meta_prod: { mode: 'ramp', weightPct: 5 } };
    const { root, snapshot } = await registry.write(next, AT);
    expect(snapshot).toBe(`meta/merkle/meta_flags_2025-10-21T20-18-05Z_${root}.json`);
    expect(JSON.parse(await readFile(join(workspace, snapshot), 'utf8'))).toEqual({
      root,
      takenAt: '2025-10-21T20:18:05Z',
      flags: next,
    });
    expect(await registry.read()).toEqual({ flags: next, root });
  });

  it('leaves no temporary file behind', async () => {
    const workspace = await copyExampleWorkspace();
    const registry = new FileFlagRegistry(workspace, 'meta/meta_flags.json');
    for (let i = 0; i < 5; i++) await registry.write({ meta_prod: { mode: 'ramp', weightPct: i } }, AT);
    expect((await readdir(join(workspace, 'meta'))).sort()).toEqual(['merkle', 'meta_flags.json']);
  });

  it('never lets a reader see a half-written file', async () => {
    const workspace = await copyExampleWorkspace();
    const registry = new FileFlagRegistry(workspace, 'meta/meta_flags.json');
    const big = (weightPct: number) => ({
      meta_prod: { mode: 'ramp', weightPct },
      padding: 'x'.repeat(2_000_000),
    });
    await registry.write(big(0), AT);
    let writing = true;
    const writes = (async () => {
      for (let i = 1; i <= 10; i++) await registry.write(big(i), AT);
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const { flags } = await registry.read();
      expect((flags.padding as string).length).toBe(2_000_000);
      reads += 1;
    }
    await writes;
    expect(reads).toBeGreaterThan(0);
  });

  it('says what to do when the file is not valid JSON', async () => {
    const workspace = await copyExampleWorkspace();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(workspace, 'meta/meta_flags.json'), '{"meta_prod": ');
    await expect(new FileFlagRegistry(workspace, 'meta/meta_flags.json').read()).rejects.toThrow(
      /not valid JSON.*restore it from meta\/merkle/,
    );
  });

  it('has no snapshots before its first write', async () => {
    const workspace = await copyExampleWorkspace();
    const registry = new FileFlagRegistry(workspace, 'meta/meta_flags.json');
    expect(await collect(registry.snapshots())).toEqual([]);
  });

  it('gives every snapshot file in name order, with the root its name carries and what it holds', async () => {
    const workspace = await copyExampleWorkspace();
    const registry = new FileFlagRegistry(workspace, 'meta/meta_flags.json');
    const first = { meta_prod: { mode: 'ramp', weightPct: 5 } };
    const second = { meta_prod: { mode: 'ramp', weightPct: 25 } };
    const a = await registry.write(first, AT);
    const b = await registry.write(second, new Date('2025-10-21T20:33:05Z'));
    expect(await collect(registry.snapshots())).toEqual([
      { path: a.snapshot, nameRoot: a.root, content: { root: a.root, flags: first } },
      { path: b.snapshot, nameRoot: b.root, content: { root: b.root, flags: second } },
    ]);
  });

  it('says which snapshot files cannot be read as one, and which names carry no root', async () => {
    const workspace = await copyExampleWorkspace();
    const dir = join(workspace, 'meta/merkle');
    await mkdir(dir, { recursive: true });
    const root = 'a'.repeat(64);
    await writeFile(join(dir, `meta_flags_2025-10-21T20-18-05Z_${root}.json`), '{"root": ');
    await writeFile(join(dir, `meta_flags_2025-10-21T20-19-05Z_${root}.json`), '{"root":"x","flags":[]}');
    await writeFile(join(dir, 'notes.txt'), '{}');
    const found = await collect(new FileFlagRegistry(workspace, 'meta/meta_flags.json').snapshots());
    expect(found).toEqual([
      {
        path: `meta/merkle/meta_flags_2025-10-21T20-18-05Z_${root}.json`,
        nameRoot: root,
        content: { problem: expect.stringMatching(/^is not valid JSON/) },
      },
      {
        path: `meta/merkle/meta_flags_2025-10-21T20-19-05Z_${root}.json`,
        nameRoot: root,
        content: { problem: 'holds no object of flags' },
      },
      {
        path: 'meta/merkle/notes.txt',
        nameRoot: undefined,
        content: { problem: 'holds no object of flags' },
      },
    ]);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
