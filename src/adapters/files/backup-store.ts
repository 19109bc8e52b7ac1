import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { BackupStore } from '../../app/ports/backup-store.js';
import type { Flags } from '../../app/ports/flag-registry.js';
import { sha256Hex } from '../../domain/sha256.js';
import { writeFileAtomic } from './atomic-write.js';
import { StatKeyedCache, type StatKeyedCacheOptions } from './stat-keyed-cache.js';

const backupManifestSchema = z.object({
  phase: z.string(),
  takenAt: z.string(),
  files: z.array(
    z.object({
      path: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      bytes: z.number().int().nonnegative(),
    }),
  ),
});
type BackupManifest = z.infer<typeof backupManifestSchema>;

const MANIFEST = 'manifest.json';
/** Where each phase's folder, with its `backups/`, lives in the workspace. */
const BACKUP_ROOT = 'artifacts/mec';

/** `artifacts/mec/<phase>/backups/<timestamp>/`, the timestamp in ISO form with ':' made '-'. */
export function backupDir(phase: string, takenAt: Date): string {
  return `artifacts/mec/${phase}/backups/${takenAt.toISOString().replaceAll(':', '-')}`;
}

/**
 * Copies the critical files into a backup directory with a manifest of their SHA-256 digests. The
 * directory is named by `takenAt`, so taking the same backup again (a retried job) rewrites the same
 * files rather than making a second backup.
 */
export async function takeBackup(
  workspace: string,
  phase: string,
  files: readonly string[],
  takenAt: Date,
): Promise<{ dir: string; manifest: BackupManifest; sha256: string }> {
  const dir = backupDir(phase, takenAt);
  const entries: BackupManifest['files'] = [];
  for (const path of [...new Set(files)].sort()) {
    const content = await readFile(join(workspace, path));
    await mkdir(dirname(join(workspace, dir, path)), { recursive: true });
    await writeFileAtomic(join(workspace, dir, path), content);
    entries.push({ path, sha256: sha256Hex(content), bytes: content.length });
  }
  const manifest: BackupManifest = { phase, takenAt: takenAt.toISOString(), files: entries };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFileAtomic(join(workspace, dir, MANIFEST), text);
  return { dir, manifest, sha256: sha256Hex(text) };
}

/** Every backup directory of every phase, as workspace paths, sorted. */
async function listBackups(workspace: string): Promise<string[]> {
  const phases = await subdirectories(join(workspace, BACKUP_ROOT));
  const dirs = await Promise.all(
    phases.map(async (phase) => {
      const backups = await subdirectories(join(workspace, BACKUP_ROOT, phase, 'backups'));
      return backups.map((name) => `${BACKUP_ROOT}/${phase}/backups/${name}`);
    }),
  );
  return dirs.flat().sort();
}

/** The names of the folders in `dir`, or none when it does not exist. */
async function subdirectories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A backup file's bytes with their digest, or undefined when it cannot be read. */
type ReadHashed = (path: string) => Promise<{ content: Buffer; sha256: string } | undefined>;

const readHashed: ReadHashed = async (path) => {
  const content = await readFile(path).catch(() => undefined);
  return content && { content, sha256: sha256Hex(content) };
};

/** Recomputes every backed-up file's digest against the manifest; lists what does not match. */
export async function verifyBackup(
  workspace: string,
  dir: string,
  read: ReadHashed = readHashed,
): Promise<{ ok: boolean; problems: string[]; manifest?: BackupManifest }> {
  let manifest: BackupManifest;
  try {
    manifest = backupManifestSchema.parse(JSON.parse(await readFile(join(workspace, dir, MANIFEST), 'utf8')));
  } catch (error) {
    return {
      ok: false,
      problems: [`${dir}/${MANIFEST} cannot be read (${(error as Error).message.split('\n')[0]})`],
    };
  }
  // Read together rather than one after another: this runs on the rollback's hot path, and every file
  // is still hashed before the result is given, so a tampered backup is never passed.
  const checked = await Promise.all(
    manifest.files.map(async (file) => {
      const hashed = await read(join(workspace, dir, file.path));
      if (!hashed) return `${file.path} is missing from the backup`;
      return hashed.sha256 === file.sha256 ? undefined : `${file.path} does not match its checksum`;
    }),
  );
  const problems = checked.filter((problem): problem is string => problem !== undefined);
  return { ok: problems.length === 0, problems, manifest };
}

/** The backups of one release workspace, under `artifacts/mec/<phase>/backups/`. */
export class FileBackupStore implements BackupStore {
  readonly #workspace: string;
  readonly #registryPath: string;
  /**
   * Each backup file's bytes and digest, kept until the file changes (a rewrite, rename or chmod sets
   * its ctime, which no one can set back): a rollback checks its backup without reading it again.
   */
  readonly #files: StatKeyedCache<Awaited<ReturnType<ReadHashed>>>;
  // A file that cannot be stat'ed is missing; one that stats but cannot be read stays unreadable until
  // it changes (a chmod sets its ctime too).
  readonly #read: ReadHashed = (path) => this.#files.get(path, () => readHashed(path)).catch(() => undefined);

  constructor(workspace: string, registryPath: string, cache: StatKeyedCacheOptions = {}) {
    this.#workspace = workspace;
    this.#registryPath = registryPath;
    this.#files = new StatKeyedCache(cache);
  }

  async take(phase: string, files: readonly string[], takenAt: Date) {
    const { dir, manifest, sha256 } = await takeBackup(this.#workspace, phase, files, takenAt);
    return { dir, files: manifest.files.length, sha256 };
  }

  list() {
    return listBackups(this.#workspace);
  }

  verify(dir: string) {
    return verifyBackup(this.#workspace, dir, this.#read);
  }

  async registryFlags(dir: string): Promise<Flags> {
    const path = join(this.#workspace, dir, this.#registryPath);
    const hashed = await this.#read(path);
    // Not there: read as before, so the error names the file and why.
    const text = hashed ? hashed.content.toString('utf8') : await readFile(path, 'utf8');
    return JSON.parse(text) as Flags;
  }
}
