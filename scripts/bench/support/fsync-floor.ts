import { randomBytes } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

async function atomicWrite(dir: string, name: string, content: string): Promise<void> {
  const temporary = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temporary, 'wx', 0o644);
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, join(dir, name));
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/**
 * The disk's floor for a registry write, in milliseconds: two atomic fsynced writes (write a temporary
 * file, fsync it, rename it into place, fsync the directory), one after the other, as the bot writes a
 * snapshot and then the registry. `dir` should be on the workspace's file system.
 */
export async function fsyncFloorMs(dir: string, content: string): Promise<number> {
  const started = performance.now();
  await atomicWrite(dir, 'floor-snapshot.json', content);
  await atomicWrite(dir, 'floor-registry.json', content);
  return performance.now() - started;
}
