import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  backupDir,
  FileBackupStore,
  takeBackup,
  verifyBackup,
} from '../../../src/adapters/files/backup-store.js';
import { sha256Hex } from '../../../src/domain/sha256.js';
import { copyExampleWorkspace } from '../../support/workspace.js';

const TAKEN_AT = new Date('2025-10-21T13:00:36.000Z');
const FILES = ['telemetry/schema/meta_v1.json', 'meta/meta_flags.json', 'meta/meta_flags.json'];

describe('takeBackup', () => {
  it('copies each file once into a folder named by the time, with a manifest of their digests', async () => {
    const workspace = await copyExampleWorkspace();
    const { dir, manifest } = await takeBackup(workspace, 'M6', FILES, TAKEN_AT);
    expect(dir).toBe('artifacts/mec/M6/backups/2025-10-21T13-00-36.000Z');
    expect(backupDir('M6', TAKEN_AT)).toBe(dir);
    const original = await readFile(join(workspace, 'meta/meta_flags.json'));
    expect(manifest).toEqual({
      phase: 'M6',
      takenAt: TAKEN_AT.toISOString(),
      files: [
        { path: 'meta/meta_flags.json', sha256: sha256Hex(original), bytes: original.length },
        {
          path: 'telemetry/schema/meta_v1.json',
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          bytes: expect.any(Number),
        },
      ],
    });
    expect(await readFile(join(workspace, dir, 'meta/meta_flags.json'))).toEqual(original);
    expect(JSON.parse(await readFile(join(workspace, dir, 'manifest.json'), 'utf8'))).toEqual(manifest);
  });

  it("gives the SHA-256 of the manifest's bytes as written", async () => {
    const workspace = await copyExampleWorkspace();
    const { dir, sha256 } = await takeBackup(workspace, 'M6', FILES, TAKEN_AT);
    expect(sha256).toBe(sha256Hex(await readFile(join(workspace, dir, 'manifest.json'))));
  });

  it('takes the same backup again into the same folder when asked twice for the same time', async () => {
    const workspace = await copyExampleWorkspace();
    const first = await takeBackup(workspace, 'M6', FILES, TAKEN_AT);
    const again = await takeBackup(workspace, 'M6', FILES, TAKEN_AT);
    expect(again).toEqual(first);
  });
});

describe('verifyBackup', () => {
  it('finds an untouched backup whole', async () => {
    const workspace = await copyExampleWorkspace();
    const { dir } = await takeBackup(workspace, 'M6', FILES, TAKEN_AT);
    expect(await verifyBackup(workspace, dir)).toMatchObject({ ok: true, problems: [] });
  });

  it('names each file that changed or went missing since', async () => {
    const workspace = await copyExampleWorkspace();
    const { dir } = await takeBackup(workspace, 'M6', FILES, TAKEN_AT);
    await writeFile(join(workspace, dir, 'meta/meta_flags.json'), '{"meta_prod":"tampered"}');
    await rm(join(workspace, dir, 'telemetry/schema/meta_v1.json'));
    expect(await verifyBackup(workspace, dir)).toMatchObject({
      ok: false,
      problems: [
        'meta/meta_flags.json does not match its checksum',
        'telemetry/schema/meta_v1.json is missing from the backup',
      ],
    });
  });

  it('says so when the manifest cannot be read', async () => {
    const workspace = await copyExampleWorkspace();
    const { dir } = await takeBackup(workspace, 'M6', FILES, TAKEN_AT);
    await writeFile(join(workspace, dir, 'manifest.json'), '{"phase":"M6"}');
    const verdict = await verifyBackup(workspace, dir);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([expect.stringContaining(`${dir}/manifest.json cannot be read`)]);
  });
});

describe('FileBackupStore', () => {
  it("takes, verifies, and gives the registry's flags as the backup holds them", async () => {
    const workspace = await copyExampleWorkspace();
    const store = new FileBackupStore(workspace, 'meta/meta_flags.json');
    const { dir, files } = await store.take('M6', FILES, TAKEN_AT);
    expect(files).toBe(2);
    await writeFile(
      join(workspace, 'meta/meta_flags.json'),
      '{"meta_prod":{"mode":"enabled","weightPct":100}}',
    );
    expect((await store.verify(dir)).ok).toBe(true);
    expect(await store.registryFlags(dir)).toEqual(
      JSON.parse(await readFile('examples/m6/workspace/meta/meta_flags.json', 'utf8')),
    );
  });

  it('still finds a backed-up file changed in place after it was checked and kept, and one removed', async () => {
    const workspace = await copyExampleWorkspace();
    // No racy window: what was checked is kept at once, so the second check really runs on the kept digests.
    const store = new FileBackupStore(workspace, 'meta/meta_flags.json', { racyMs: 0 });
    const { dir } = await store.take('M6', FILES, TAKEN_AT);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await store.verify(dir)).ok).toBe(true);
    expect((await store.verify(dir)).ok).toBe(true);
    const registry = join(workspace, dir, 'meta/meta_flags.json');
    const original = await readFile(registry, 'utf8');
    // The same length, other bytes: only the file's times tell the kept digest is stale.
    await writeFile(registry, original.replace('shadow', 'SHADOW'));
    expect(await store.verify(dir)).toMatchObject({
      ok: false,
      problems: ['meta/meta_flags.json does not match its checksum'],
    });
    expect(JSON.stringify(await store.registryFlags(dir))).toContain('SHADOW');
    await rm(registry);
    expect((await store.verify(dir)).problems).toEqual(['meta/meta_flags.json is missing from the backup']);
  });

  it('lists no backups in a workspace that has none', async () => {
    const workspace = await copyExampleWorkspace();
    expect(await new FileBackupStore(workspace, 'meta/meta_flags.json').list()).toEqual([]);
  });

  it('lists every backup folder of every phase, sorted, and nothing else', async () => {
    const workspace = await copyExampleWorkspace();
    const store = new FileBackupStore(workspace, 'meta/meta_flags.json');
    const later = new Date('2025-10-22T09:00:00.000Z');
    const { dir: m6Later } = await store.take('M6', FILES, later);
    const { dir: m6 } = await store.take('M6', FILES, TAKEN_AT);
    const { dir: m5 } = await store.take('M5', FILES, TAKEN_AT);
    // A stray file beside the backups is not a backup.
    await writeFile(join(workspace, 'artifacts/mec/M6/backups/notes.txt'), 'kept by hand');
    expect(await store.list()).toEqual([m5, m6, m6Later]);
  });
});
