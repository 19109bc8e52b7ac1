import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReleaseFiles } from '../../app/ports/release-files.js';
import { writeFileAtomic } from './atomic-write.js';
import { StatKeyedCache } from './stat-keyed-cache.js';
import { artifactRootOf, sha256File } from './workspace-artifacts.js';

/** The release workspace as a folder on disk, with the configured artifact files. */
export class FileReleaseFiles implements ReleaseFiles {
  readonly #workspace: string;
  readonly #artifacts: readonly string[];
  // Every status and ramp asks for the root; the artifacts seldom change, and a stat is a fraction of
  // opening and hashing each file again.
  readonly #digests = new StatKeyedCache<string>();

  constructor(workspace: string, artifactFiles: readonly string[]) {
    this.#workspace = workspace;
    this.#artifacts = artifactFiles;
  }

  artifactRoot() {
    return artifactRootOf(this.#workspace, this.#artifacts, (path) =>
      this.#digests.get(path, () => sha256File(path)),
    );
  }

  sha256(path: string): Promise<string> {
    return sha256File(join(this.#workspace, path));
  }

  async readJson(path: string): Promise<unknown> {
    return JSON.parse(await readFile(join(this.#workspace, path), 'utf8'));
  }

  async readText(path: string): Promise<string | undefined> {
    return readFile(join(this.#workspace, path), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
  }

  write(path: string, content: string): Promise<void> {
    return writeFileAtomic(join(this.#workspace, path), content);
  }
}
