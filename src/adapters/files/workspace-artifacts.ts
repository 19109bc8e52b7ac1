import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { MecError } from '../../domain/errors.js';
import { type ArtifactDigest, artifactMerkleRoot } from '../../domain/merkle.js';

/** SHA-256 of a file's bytes, streamed so a large artifact is never held in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Digests the configured release artifacts and returns their Merkle root. A missing file is an error.
 * `digest` gives a file's SHA-256 from its absolute path: `sha256File`, or one that keeps digests.
 */
export async function artifactRootOf(
  workspace: string,
  files: readonly string[],
  digest: (path: string) => Promise<string> = sha256File,
): Promise<{ root: string; artifacts: ArtifactDigest[] }> {
  const artifacts = await Promise.all(
    files.map(async (path) => {
      try {
        return { path, sha256: await digest(join(workspace, path)) };
      } catch (error) {
        throw new MecError(
          'artifact_unreadable',
          `release artifact ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? error}); put it in the workspace or fix artifacts.files`,
          { cause: error },
        );
      }
    }),
  );
  return { root: artifactMerkleRoot(artifacts), artifacts };
}
