import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendDurably,
  repairTail,
  searchFromEnd,
  sizeOf,
} from '../../../src/adapters/files/durable-append.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'mec-durable-'));

describe('appendDurably', () => {
  it('creates the missing folders and the file, then appends after what is there', async () => {
    const path = join(await tempDir(), 'a', 'b', 'log.txt');
    await appendDurably(path, 'one\n');
    await appendDurably(path, 'twö\n');
    expect(await readFile(path, 'utf8')).toBe('one\ntwö\n');
    expect(await sizeOf(path)).toBe(Buffer.byteLength('one\ntwö\n'));
  });
});

describe('sizeOf', () => {
  it('is undefined for a file that does not exist', async () => {
    expect(await sizeOf(join(await tempDir(), 'none'))).toBeUndefined();
  });
});

describe('searchFromEnd', () => {
  it('finds a record that spans the first window of a file over 64 KiB, by widening the window', async () => {
    const path = join(await tempDir(), 'big.txt');
    const record = '<record>';
    // The record starts 10 bytes before the last 64 KiB and ends inside them.
    const fromRecordBytes = 64 * 1024 + 10;
    const before = 'a'.repeat(200_000);
    await writeFile(path, `${before}${record}${'z'.repeat(fromRecordBytes - record.length)}`);
    const windows: number[] = [];
    const found = await searchFromEnd(path, (tail, tailStart) => {
      windows.push(tailStart);
      const at = tail.indexOf(record);
      return at < 0 ? undefined : tailStart + at;
    });
    expect(found).toBe(before.length);
    expect(windows.length).toBeGreaterThan(1);
    expect(windows[0]).toBeGreaterThan(before.length);
  });

  it('gives every window its offset in the file, ending with the whole file when nothing is found', async () => {
    const path = join(await tempDir(), 'big.txt');
    const content = Buffer.from('x'.repeat(300_000));
    await writeFile(path, content);
    const seen: Array<{ tailStart: number; matches: boolean }> = [];
    const found = await searchFromEnd(path, (tail, tailStart) => {
      seen.push({ tailStart, matches: tail.equals(content.subarray(tailStart)) });
      return undefined;
    });
    expect(found).toBeUndefined();
    expect(seen.at(-1)?.tailStart).toBe(0);
    expect(seen.every(({ matches }) => matches)).toBe(true);
  });

  it('asks nothing of an empty or a missing file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'empty'), '');
    const find = () => {
      throw new Error('called');
    };
    expect(await searchFromEnd(join(dir, 'empty'), find)).toBeUndefined();
    expect(await searchFromEnd(join(dir, 'missing'), find)).toBeUndefined();
  });
});

describe('repairTail', () => {
  it('cuts the file back to the given size, so the next append follows the last whole record', async () => {
    const path = join(await tempDir(), 'log.txt');
    await appendDurably(path, 'whole\nhal');
    await repairTail(path, 'whole\n'.length);
    await appendDurably(path, 'next\n');
    expect(await readFile(path, 'utf8')).toBe('whole\nnext\n');
  });
});
