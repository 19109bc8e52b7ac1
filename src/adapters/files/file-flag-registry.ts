import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  FlagRegistry,
  Flags,
  RegistryContent,
  RegistrySnapshot,
} from '../../app/ports/flag-registry.js';
import { toSignedAt } from '../../domain/approval-digest.js';
import { MecError } from '../../domain/errors.js';
import { registryMerkleRoot } from '../../domain/merkle.js';
import { writeFileAtomic } from './atomic-write.js';
import { StatKeyedCache } from './stat-keyed-cache.js';

/** Where registry snapshots go, relative to the workspace. */
const SNAPSHOT_DIR = 'meta/merkle';
/** `meta_flags_<timestamp>_<root>.json`, the root 64 hex digits. */
const SNAPSHOT_NAME = /^meta_flags_.+_([0-9a-f]{64})\.json$/;

/**
 * The feature registry (`meta/meta_flags.json`) as a file in the release workspace. Every write is
 * atomic and leaves a snapshot `meta/merkle/meta_flags_<timestamp>_<root>.json` behind it.
 */
export class FileFlagRegistry implements FlagRegistry {
  readonly path: string;
  readonly #workspace: string;
  readonly #path: string;
  /** The file's text and root while it is unchanged: every status reads it, and it seldom changes. */
  readonly #read = new StatKeyedCache<{ text: string; root: string }>();

  constructor(workspace: string, relativePath: string) {
    this.path = relativePath;
    this.#workspace = workspace;
    this.#path = join(workspace, relativePath);
  }

  /** Parsed anew on every call, so a caller that changes its flags changes no other caller's. */
  async read(): Promise<RegistryContent> {
    const { text, root } = await this.#read.get(this.#path, async () => {
      const text = await readFile(this.#path, 'utf8');
      return { text, root: registryMerkleRoot(parseFlags(text, this.#path)) };
    });
    return { flags: parseFlags(text, this.#path), root };
  }

  /** Writes the flags and their snapshot; returns the new root and the snapshot's workspace path. */
  async write(flags: Flags, now: Date): Promise<{ root: string; snapshot: string }> {
    for (const key of Object.keys(flags)) {
      if (key.includes('\0'))
        throw new MecError(
          'flag_key_invalid',
          `flag key ${JSON.stringify(key)} contains NUL, which the Merkle leaf format forbids; rename the flag`,
        );
    }
    const root = registryMerkleRoot(flags);
    const takenAt = toSignedAt(now);
    const snapshot = `${SNAPSHOT_DIR}/meta_flags_${takenAt.replaceAll(':', '-')}_${root}.json`;
    // The snapshot goes first: a crash between the two leaves a snapshot of a root that was never
    // live, which is harmless, rather than a live root with no snapshot.
    await writeFileAtomic(
      join(this.#workspace, snapshot),
      `${JSON.stringify({ root, takenAt, flags }, null, 2)}\n`,
    );
    await writeFileAtomic(this.#path, `${JSON.stringify(flags, null, 2)}\n`);
    return { root, snapshot };
  }

  /** Names carry the time only to the second, so snapshots are found by the root in their name. */
  async snapshotsOf(root: string): Promise<Array<{ path: string; flags: Flags }>> {
    const dir = join(this.#workspace, SNAPSHOT_DIR);
    const names = (await readdir(dir).catch(() => [] as string[])).filter((name) =>
      name.endsWith(`_${root}.json`),
    );
    return Promise.all(
      names.sort().map(async (name) => {
        const content = JSON.parse(await readFile(join(dir, name), 'utf8')) as { flags: Flags };
        return { path: `${SNAPSHOT_DIR}/${name}`, flags: content.flags };
      }),
    );
  }

  /** Reads each file only when asked for it, so a long history of writes is never held at once. */
  async *snapshots(): AsyncIterable<RegistrySnapshot> {
    const dir = join(this.#workspace, SNAPSHOT_DIR);
    const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    for (const name of names.sort()) {
      yield {
        path: `${SNAPSHOT_DIR}/${name}`,
        nameRoot: SNAPSHOT_NAME.exec(name)?.[1],
        content: await readSnapshot(join(dir, name)),
      };
    }
  }
}

/** The registry file's text as flags; `registry_malformed` when it is not a JSON object. */
function parseFlags(text: string, path: string): Flags {
  let flags: unknown;
  try {
    flags = JSON.parse(text);
  } catch (error) {
    throw new MecError(
      'registry_malformed',
      `${path} is not valid JSON (${(error as Error).message}); restore it from ${SNAPSHOT_DIR}/`,
      { cause: error },
    );
  }
  if (!flags || typeof flags !== 'object' || Array.isArray(flags)) {
    throw new MecError(
      'registry_malformed',
      `${path} must hold a JSON object of flags; restore it from ${SNAPSHOT_DIR}/`,
    );
  }
  return flags as Flags;
}

/** A snapshot file's root and flags, or what keeps it from being read as one. */
async function readSnapshot(path: string): Promise<RegistrySnapshot['content']> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return { problem: code ? `cannot be read (${code})` : `is not valid JSON (${message})` };
  }
  const { root, flags } = (parsed ?? {}) as { root?: unknown; flags?: unknown };
  if (!flags || typeof flags !== 'object' || Array.isArray(flags))
    return { problem: 'holds no object of flags' };
  return { root, flags: flags as Flags };
}
