import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileReleaseFiles } from '../../../src/adapters/files/file-release-files.js';
import { artifactRootOf, sha256File } from '../../../src/adapters/files/workspace-artifacts.js';
import { copyExampleWorkspace } from '../../support/workspace.js';

const ARTIFACTS = ['artifacts/mec/M6/determinism_manifest.json', 'telemetry/schema/meta_v1.json'];

describe('FileReleaseFiles', () => {
  it('reads the release workspace: the artifact root, digests, JSON, and text or nothing', async () => {
    const workspace = await copyExampleWorkspace();
    const files = new FileReleaseFiles(workspace, ARTIFACTS);
    expect(await files.artifactRoot()).toEqual(await artifactRootOf(workspace, ARTIFACTS));
    expect(await files.sha256('meta/meta_flags.json')).toBe(
      await sha256File(join(workspace, 'meta/meta_flags.json')),
    );
    expect(await files.readJson('meta/meta_flags.json')).toEqual(
      JSON.parse(await readFile(join(workspace, 'meta/meta_flags.json'), 'utf8')),
    );
    expect(await files.readText('reports/none.json')).toBeUndefined();
  });

  it('gives the root of the artifacts as they are now, after one of them changed', async () => {
    const workspace = await copyExampleWorkspace();
    const files = new FileReleaseFiles(workspace, ARTIFACTS);
    const before = await files.artifactRoot();
    await writeFile(join(workspace, ARTIFACTS[1] as string), '{"changed":true}\n');
    const after = await files.artifactRoot();
    expect(after).toEqual(await artifactRootOf(workspace, ARTIFACTS));
    expect(after.root).not.toBe(before.root);
  });

  it('writes a report into its folders, and reads it back as written', async () => {
    const workspace = await copyExampleWorkspace();
    const files = new FileReleaseFiles(workspace, ARTIFACTS);
    await files.write('reports/run_M6_smoke.json', '{"passed":true}\n');
    expect(await files.readText('reports/run_M6_smoke.json')).toBe('{"passed":true}\n');
    expect(await readFile(join(workspace, 'reports/run_M6_smoke.json'), 'utf8')).toBe('{"passed":true}\n');
  });

  it('fails a read of a path that is not a file, rather than answering nothing', async () => {
    const files = new FileReleaseFiles(await copyExampleWorkspace(), ARTIFACTS);
    await expect(files.readText('meta')).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
