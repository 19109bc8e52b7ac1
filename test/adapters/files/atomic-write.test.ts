import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/adapters/files/atomic-write.js';

const scratch = () => mkdtemp(join(tmpdir(), 'mec-atomic-'));

describe('writeFileAtomic', () => {
  it('writes a file, creating its folders, and replaces it whole', async () => {
    const dir = await scratch();
    const path = join(dir, 'reports/deep/run.json');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, new TextEncoder().encode('second'));
    expect(await readFile(path, 'utf8')).toBe('second');
  });

  it('leaves no temporary file behind, after a write or after one that failed', async () => {
    const dir = await scratch();
    await writeFileAtomic(join(dir, 'a.json'), '{}');
    await mkdir(join(dir, 'taken'));
    // A folder where the file should go: the rename fails, and the temporary file must go with it.
    await expect(writeFileAtomic(join(dir, 'taken'), 'x')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['a.json', 'taken']);
  });

  it('never lets a reader see a half-written file', async () => {
    const dir = await scratch();
    const path = join(dir, 'big.txt');
    const content = (mark: string) => mark.repeat(3_000_000);
    await writeFileAtomic(path, content('a'));
    let writing = true;
    const writes = (async () => {
      for (const mark of 'bcdefgh') await writeFileAtomic(path, content(mark));
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const text = await readFile(path, 'utf8');
      expect(text.length).toBe(3_000_000);
      expect(new Set(text).size).toBe(1);
      reads += 1;
    }
    await writes;
    expect(reads).toBeGreaterThan(0);
  });
});
