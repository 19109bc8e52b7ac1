import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The text of every module under `dir` (src/ by default), joined: for checks that read the code itself. */
export async function sourceText(dir = 'src'): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
  return (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n');
}
