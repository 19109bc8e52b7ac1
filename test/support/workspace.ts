import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private copy of the example M6 workspace, to change freely. */
export async function copyExampleWorkspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mec-workspace-'));
  await cp('examples/m6/workspace', dir, { recursive: true });
  return dir;
}
