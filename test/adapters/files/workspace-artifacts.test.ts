import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactRootOf, sha256File } from '../../../src/adapters/files/workspace-artifacts.js';
import { MecError } from '../../../src/domain/errors.js';
import { artifactMerkleRoot } from '../../../src/domain/merkle.js';
import { copyExampleWorkspace } from '../../support/workspace.js';

const FILES = ['artifacts/mec/M6/determinism_manifest.json', 'telemetry/schema/meta_v1.json'];

describe('sha256File', () => {
  it("is the SHA-256 of the file's bytes", async () => {
    const workspace = await copyExampleWorkspace();
    const path = join(workspace, FILES[1] as string);
    expect(await sha256File(path)).toBe(
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    );
  });
});

describe('artifactRootOf', () => {
  it('digests each configured artifact and gives their Merkle root', async () => {
    const workspace = await copyExampleWorkspace();
    const { root, artifacts } = await artifactRootOf(workspace, FILES);
    expect(artifacts.map((artifact) => artifact.path)).toEqual(FILES);
    expect(artifacts[1]?.sha256).toBe(await sha256File(join(workspace, FILES[1] as string)));
    expect(root).toBe(artifactMerkleRoot(artifacts));
  });

  it('fails naming the artifact that cannot be read, and what to do', async () => {
    const workspace = await copyExampleWorkspace();
    const failure = await artifactRootOf(workspace, [...FILES, 'artifacts/missing.bin']).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(MecError);
    expect(failure).toMatchObject({ code: 'artifact_unreadable' });
    expect((failure as Error).message).toContain(
      'release artifact artifacts/missing.bin cannot be read (ENOENT)',
    );
  });
});
