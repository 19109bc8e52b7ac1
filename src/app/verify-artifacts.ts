import type { LedgerBody, LedgerEntry } from '../domain/ledger-entry.js';
import { registryMerkleRoot } from '../domain/merkle.js';
import type { RegistrySnapshot } from './ports/flag-registry.js';
import type { VerifyCheck } from './ports/rollout-actions.js';
import type { RolloutContext } from './rollout-context.js';

/** A backup directory (its manifest.json was hashed) or a single file (a release record, the smoke report). */
type ArtifactKind = 'backup' | 'file';

/** What the ledger last said about one workspace artifact: its SHA-256 (hex), and the entry that said it. */
export interface RecordedArtifact {
  kind: ArtifactKind;
  sha256: string;
  seq: number;
}

/**
 * The digests the ledger recorded for workspace artifacts, gathered while the ledger streams past: one
 * `observe` per entry, in order. It keeps only the last digest of each path, so it grows with the
 * artifacts, not with the entries.
 */
export class ArtifactFacts {
  readonly #recorded = new Map<string, RecordedArtifact>();
  /** The snapshots registry writes recorded: path → the root written, and the entry that wrote it. */
  readonly snapshots = new Map<string, { root: string; seq: number }>();

  observe(entry: LedgerEntry): void {
    const found = recordedIn(entry.body);
    if (found) this.#recorded.set(found.ref, { kind: found.kind, sha256: found.sha256, seq: entry.seq });
    const snapshot = (entry.body.detail as { snapshot?: unknown } | null)?.snapshot;
    const root = (entry.body.after as { root?: unknown } | null)?.root;
    if (entry.body.reason === 'registry_write' && typeof snapshot === 'string' && typeof root === 'string')
      this.snapshots.set(snapshot, { root, seq: entry.seq });
  }

  /** Each recorded artifact by workspace path (a backup by its directory), in the order first recorded. */
  recorded(kind: ArtifactKind): Array<[string, RecordedArtifact]> {
    return [...this.#recorded].filter(([, artifact]) => artifact.kind === kind);
  }

  get(ref: string): RecordedArtifact | undefined {
    return this.#recorded.get(ref);
  }
}

/** The `{ ref, sha256 }` a check or smoke result carried into its ledger entry, if it carried one. */
function recordedIn(body: LedgerBody): { ref: string; sha256: string; kind: ArtifactKind } | undefined {
  const detail = body.detail as { request?: Record<string, unknown> } | null;
  const request = detail?.request;
  if (!request || typeof request !== 'object') return undefined;
  const carrier =
    body.action === 'check_finished' ? request : body.action === 'watch_tick' ? request.finished : undefined;
  const { ref, sha256 } = (carrier ?? {}) as { ref?: unknown; sha256?: unknown };
  if (typeof ref !== 'string' || typeof sha256 !== 'string') return undefined;
  return {
    ref,
    sha256,
    kind: body.action === 'check_finished' && request.check === 'backup' ? 'backup' : 'file',
  };
}

export type VerifyArtifactsDeps = Pick<RolloutContext, 'registry' | 'backups' | 'files'>;

/** How many problems a check names before it only counts the rest. */
const NAMED_PROBLEMS = 5;

/** A check's problems: the first few named, the rest only counted, so a ruined workspace stays small. */
class Problems {
  readonly named: string[] = [];
  count = 0;

  add(problem: string): void {
    this.count += 1;
    if (this.named.length < NAMED_PROBLEMS) this.named.push(problem);
  }

  verdict(name: VerifyCheck['name'], okDetail: string): VerifyCheck {
    if (this.count === 0) return { name, ok: true, detail: okDetail };
    const rest = this.count - this.named.length;
    return { name, ok: false, detail: `${this.named.join('; ')}${rest > 0 ? `; and ${rest} more` : ''}` };
  }
}

/**
 * Checks every artifact the workspace holds against itself and against the ledger: every registry
 * snapshot, every backup, and every release record and smoke report the ledger recorded a digest for.
 * Three checks, always in this order: `registry snapshots`, `backups`, `release records`.
 */
export async function verifyArtifacts(
  deps: VerifyArtifactsDeps,
  facts: ArtifactFacts,
): Promise<VerifyCheck[]> {
  return [
    await checkSnapshots(deps, facts),
    await checkBackups(deps, facts),
    await checkRecords(deps, facts),
  ];
}

/**
 * Every snapshot holds the root in its name, and every snapshot a registry write recorded is still
 * there under its name, with the root written: so an edit that renames the file to its new root is
 * caught too.
 */
async function checkSnapshots(deps: VerifyArtifactsDeps, facts: ArtifactFacts): Promise<VerifyCheck> {
  const problems = new Problems();
  const unseen = new Map(facts.snapshots);
  let count = 0;
  for await (const snapshot of deps.registry.snapshots()) {
    count += 1;
    const problem = snapshotProblem(snapshot);
    if (problem) problems.add(`${snapshot.path} ${problem}`);
    const recorded = unseen.get(snapshot.path);
    unseen.delete(snapshot.path);
    if (recorded && snapshot.nameRoot !== recorded.root)
      problems.add(
        `${snapshot.path} is not the snapshot of root ${recorded.root} that ledger entry #${recorded.seq} wrote`,
      );
  }
  for (const [path, { seq }] of unseen)
    problems.add(`${path}, written with ledger entry #${seq}, is missing`);
  return problems.verdict(
    'registry snapshots',
    `${count} snapshots, each holding the root in its name; the ${facts.snapshots.size} the ledger recorded are all there`,
  );
}

function snapshotProblem({ nameRoot, content }: RegistrySnapshot): string | undefined {
  if (nameRoot === undefined) return 'carries no root in its name';
  if ('problem' in content) return content.problem;
  const flagsRoot = registryMerkleRoot(content.flags);
  if (flagsRoot !== nameRoot) return `holds flags whose root is ${flagsRoot}, not the root in its name`;
  if (content.root !== nameRoot) return `says its root is ${String(content.root)}, not the root in its name`;
  return undefined;
}

async function checkBackups(deps: VerifyArtifactsDeps, facts: ArtifactFacts): Promise<VerifyCheck> {
  const dirs = await deps.backups.list();
  const problems = new Problems();
  let againstLedger = 0;
  for (const dir of dirs) {
    const { problems: found } = await deps.backups.verify(dir);
    for (const problem of found) problems.add(`${dir}: ${problem}`);
    const recorded = facts.get(dir);
    if (recorded?.kind !== 'backup') continue;
    againstLedger += 1;
    const manifest = `${dir}/manifest.json`;
    const digest = await digestOf(deps, manifest);
    // A manifest that cannot be read is already named by verify.
    if (digest !== undefined && digest !== recorded.sha256)
      problems.add(`${manifest} is not the manifest ledger entry #${recorded.seq} recorded`);
  }
  const listed = new Set(dirs);
  for (const [dir, { seq }] of facts.recorded('backup')) {
    if (!listed.has(dir)) problems.add(`${dir}, recorded in ledger entry #${seq}, is gone`);
  }
  return problems.verdict(
    'backups',
    `${dirs.length} backups match their manifests, ${againstLedger} manifests match the ledger`,
  );
}

async function checkRecords(deps: VerifyArtifactsDeps, facts: ArtifactFacts): Promise<VerifyCheck> {
  const recorded = facts.recorded('file');
  const problems = new Problems();
  for (const [path, { sha256, seq }] of recorded) {
    const digest = await digestOf(deps, path);
    if (digest === undefined) problems.add(`${path}, recorded in ledger entry #${seq}, is missing`);
    else if (digest !== sha256)
      problems.add(`${path} does not match the sha256 ledger entry #${seq} recorded for it`);
  }
  return problems.verdict('release records', `${recorded.length} recorded files match the ledger`);
}

/** The file's SHA-256, or undefined when there is no such file; any other failure is unexpected. */
async function digestOf(deps: VerifyArtifactsDeps, path: string): Promise<string | undefined> {
  try {
    return await deps.files.sha256(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
