import { chmod, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StatKeyedCache } from '../../../src/adapters/files/stat-keyed-cache.js';

/**
 * File times tick with the kernel's coarse clock; the cache's racy window stands for this wait in use,
 * and the tests' clock runs ahead of that window, so they wait a few ticks before changing a file.
 */
const nextTick = () => new Promise((resolve) => setTimeout(resolve, 25));

/** A file, and a cache that counts what it computes; its clock runs `aheadMs` ahead of the real one. */
async function world(aheadMs = 10_000) {
  const dir = await mkdtemp(join(tmpdir(), 'mec-stat-cache-'));
  const path = join(dir, 'artifact.json');
  await writeFile(path, 'first');
  const cache = new StatKeyedCache<string>({ nowMs: () => Date.now() + aheadMs });
  let computed = 0;
  const read = () =>
    cache.get(path, async () => {
      computed += 1;
      return `value ${computed}`;
    });
  return { dir, path, read, computed: () => computed };
}

describe('StatKeyedCache', () => {
  it('computes a value once while its file is unchanged', async () => {
    const { read, computed } = await world();
    expect(await read()).toBe('value 1');
    expect(await read()).toBe('value 1');
    expect(await read()).toBe('value 1');
    expect(computed()).toBe(1);
  });

  it('computes again after the file is rewritten in place with the same length, or replaced by a rename', async () => {
    const { dir, path, read, computed } = await world();
    await read();
    await nextTick();
    await writeFile(path, 'other');
    await read();
    expect(computed()).toBe(2);
    await nextTick();
    await writeFile(join(dir, 'next'), 'third');
    await rename(join(dir, 'next'), path);
    expect(await read()).toBe('value 3');
    expect(await read()).toBe('value 3');
  });

  it('computes again when the file times are set back to what they were (ctime still moves)', async () => {
    const { path, read, computed } = await world();
    await utimes(path, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    await read();
    await nextTick();
    await writeFile(path, 'other');
    await utimes(path, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    await read();
    await nextTick();
    await chmod(path, 0o600);
    await read();
    expect(computed()).toBe(3);
  });

  it('keeps nothing for a file changed within the racy window, since a second change may look the same', async () => {
    const { read, computed } = await world(0);
    await read();
    await read();
    expect(computed()).toBe(2);
  });

  it('rejects, with the file system code, for a file that is gone, and computes nothing', async () => {
    const { path, read, computed } = await world();
    await read();
    await rm(path);
    await expect(read()).rejects.toMatchObject({ code: 'ENOENT' });
    expect(computed()).toBe(1);
  });
});
