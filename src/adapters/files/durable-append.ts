import { mkdir, open, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Appends `text` to a file in one write(2) on a file opened with O_APPEND, then fsyncs it (and its
 * directory when the file is new), so the record is on disk once this returns. A crash can leave only
 * a torn last record, which `lastComplete` finds and `repairTail` cuts off before the next append.
 */
export async function appendDurably(path: string, text: string): Promise<void> {
  const created = !(await stat(path).catch(() => undefined));
  if (created) await mkdir(dirname(path), { recursive: true });
  const file = await open(path, 'a', 0o644);
  try {
    await file.write(text);
    await file.sync();
  } finally {
    await file.close();
  }
  if (created) await syncDirectory(dirname(path));
}

async function syncDirectory(dir: string): Promise<void> {
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** A file's size in bytes, or undefined when there is none. */
export async function sizeOf(path: string): Promise<number | undefined> {
  return (await stat(path).catch(() => undefined))?.size;
}

/**
 * Reads a file backwards, a growing window at a time, until `find` locates what it looks for in the
 * window's bytes (`tailStart` is the window's offset in the file), or the window is the whole file. Only
 * as much is read as the search needs, so finding the last record of a large file is cheap.
 */
export async function searchFromEnd<T>(
  path: string,
  find: (tail: Buffer, tailStart: number) => T | undefined,
): Promise<T | undefined> {
  const size = await sizeOf(path);
  if (size === undefined || size === 0) return undefined;
  const file = await open(path, 'r');
  try {
    for (let window = 64 * 1024; ; window *= 4) {
      const start = Math.max(0, size - window);
      const buffer = Buffer.alloc(size - start);
      await file.read(buffer, 0, buffer.length, start);
      const found = find(buffer, start);
      if (found !== undefined || start === 0) return found;
    }
  } finally {
    await file.close();
  }
}

/** Cuts a file back to `bytes`, dropping a torn last record, and makes the cut durable. */
export async function repairTail(path: string, bytes: number): Promise<void> {
  await truncate(path, bytes);
  const file = await open(path, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}
