import { approvalDigest } from '../domain/approval-digest.js';
import { type Checkpoint, type NoteVerifier, parseVerifierKey } from '../domain/checkpoint-note.js';
import { registryMerkleRoot } from '../domain/merkle.js';
import type { Approval } from '../domain/rollout-state.js';
import { auditLedger, type LedgerAuditResult } from './audit-ledger.js';
import { trustedCheckpoints } from './checkpoint-stream.js';
import type { LedgerSource } from './ports/ledger-source.js';
import type { VerifyCheck } from './ports/rollout-actions.js';
import type { RolloutContext } from './rollout-context.js';
import { ArtifactFacts, verifyArtifacts } from './verify-artifacts.js';
import { ApprovalDigests, MirrorComparison, RegistryFacts } from './verify-observers.js';

/** Whom verify trusts: the ledger's origin and the verifier key of its signing key. */
export interface LedgerTrust {
  origin: string;
  /** Undefined when none is configured: then no checkpoint can be trusted, and verify says so. */
  verifierKey: string | undefined;
}

export type VerifyDeps = Pick<
  RolloutContext,
  | 'phase'
  | 'ledger'
  | 'store'
  | 'rootRecord'
  | 'registry'
  | 'files'
  | 'mirror'
  | 'backups'
  | 'checkpointLog'
  | 'trust'
>;

/** What the ledger's store holds besides its entries: the registry root and the current approvals. */
export interface RecordedFacts {
  /** The registry root the bot last wrote, or null when it has written none. */
  registryRoot: string | null;
  approvals: readonly Approval[];
}

/** The workspace side of an audit: what the files hold, whatever the ledger's source. */
export type WorkspaceDeps = Pick<VerifyDeps, 'phase' | 'registry' | 'files' | 'mirror' | 'backups'>;

export interface VerifyReport {
  ok: boolean;
  checks: VerifyCheck[];
  audit: LedgerAuditResult;
}

/**
 * Recomputes everything an auditor relies on, from Redis and the workspace: the ledger's chain, its
 * signed checkpoints and their consistency, the mirror byte for byte, every approval digest, the
 * registry root and snapshot, the artifact root the approvals commit to, and every snapshot, backup,
 * release record and smoke report against what the ledger recorded of it.
 */
export async function verifyWorkspace(deps: VerifyDeps, entrySeq?: number): Promise<VerifyReport> {
  // The files first, then the head: the bot appends to them only what it committed before, so their
  // first bytes as read now cover no entry past the head read next, whatever the bot does meanwhile.
  const [checkpointBytes, mirrorBytes] = await Promise.all([deps.checkpointLog.size(), deps.mirror.size()]);
  const head = await deps.ledger.head();
  const { state } = await deps.store.load(deps.phase);
  const facts: RecordedFacts = {
    registryRoot: (await deps.rootRecord.get()).root,
    approvals: Object.values(state?.approvals ?? {}),
  };
  const source: LedgerSource = {
    head,
    pages: deps.ledger.pages(1, head.seq),
    checkpoints: () => deps.checkpointLog.notes(checkpointBytes),
  };
  return verifyAll(deps, source, facts, deps.trust, entrySeq, mirrorBytes);
}

/** The audit of any ledger source against a workspace: verify's one implementation. */
export async function verifyAll(
  deps: WorkspaceDeps,
  source: LedgerSource,
  facts: RecordedFacts,
  trust: LedgerTrust,
  entrySeq?: number,
  mirrorBytes?: number,
): Promise<VerifyReport> {
  const verifier = verifierOf(trust);
  const registry = new RegistryFacts();
  const approvals = new ApprovalDigests();
  const mirror = new MirrorComparison(deps.mirror, mirrorBytes);
  const artifacts = new ArtifactFacts();
  const observers = [registry, approvals, mirror, artifacts];
  const inclusionCheckpoint = entrySeq === undefined ? undefined : await latestCheckpointOf(source, trust);
  const audit = await auditLedger(
    source,
    { verifier, origin: trust.origin },
    observers,
    entrySeq !== undefined && inclusionCheckpoint
      ? { seq: entrySeq, checkpoint: inclusionCheckpoint }
      : undefined,
  );
  const checks: VerifyCheck[] = [
    ...audit.checks,
    await mirror.check(audit.entries, audit.latest),
    approvalCheck(deps.phase, approvals, facts.approvals),
    ...(await registryChecks(deps, registry, facts.registryRoot)),
    await artifactCheck(deps, facts.approvals),
    ...(await verifyArtifacts(deps, artifacts)),
  ];
  return { ok: checks.every((check) => check.ok), checks, audit };
}

function verifierOf(trust: LedgerTrust): NoteVerifier | undefined {
  return trust.verifierKey === undefined ? undefined : parseVerifierKey(trust.verifierKey);
}

/** `--entry N` proves against the newest trusted checkpoint, found by a first pass over the notes. */
async function latestCheckpointOf(source: LedgerSource, trust: LedgerTrust): Promise<Checkpoint | undefined> {
  let latest: Checkpoint | undefined;
  const tally = { signed: 0, torn: false };
  const notes = source.checkpoints();
  for await (const checkpoint of trustedCheckpoints(notes, verifierOf(trust), trust.origin, tally))
    if (checkpoint.size <= source.head.seq) latest = checkpoint;
  return latest;
}

function approvalCheck(phase: string, recorded: ApprovalDigests, current: readonly Approval[]): VerifyCheck {
  if (recorded.problem) return { name: 'approval digests', ok: false, detail: recorded.problem };
  for (const approval of current) {
    if (approvalDigest({ phase, ...approval }) !== approval.digest)
      return {
        name: 'approval digests',
        ok: false,
        detail: `the current ${approval.roleId} approval's digest does not match its parts`,
      };
  }
  return {
    name: 'approval digests',
    ok: true,
    detail: `${recorded.count + current.length} digests recomputed`,
  };
}

async function registryChecks(
  deps: WorkspaceDeps,
  facts: RegistryFacts,
  recordedRoot: string | null,
): Promise<VerifyCheck[]> {
  const { root: fileRoot } = await deps.registry.read();
  const last = facts.last;
  const ledgerRoot = last?.root ?? null;
  const rootCheck: VerifyCheck =
    recordedRoot !== null && fileRoot !== recordedRoot
      ? {
          name: 'registry root',
          ok: false,
          detail: `${deps.registry.path} has root ${fileRoot}, but the bot last wrote ${recordedRoot}: edited by hand`,
        }
      : ledgerRoot !== null && ledgerRoot !== fileRoot
        ? {
            name: 'registry root',
            ok: false,
            detail: `${deps.registry.path} has root ${fileRoot}, but ledger entry #${last?.seq} recorded ${ledgerRoot}`,
          }
        : {
            name: 'registry root',
            ok: true,
            detail: `${fileRoot}${recordedRoot === null ? ' (no write recorded yet)' : ''}`,
          };
  return [rootCheck, await snapshotCheck(deps, ledgerRoot, last?.reason)];
}

/**
 * The snapshot of the root the ledger last recorded must exist and hold flags with that root. Names
 * carry the time only to the second, so the snapshot is found by its root, not by sorting names.
 */
async function snapshotCheck(
  deps: WorkspaceDeps,
  ledgerRoot: string | null,
  lastReason: string | undefined,
): Promise<VerifyCheck> {
  if (ledgerRoot === null || lastReason === 'registry_adopted')
    return { name: 'registry snapshot', ok: true, detail: 'the bot has not written the registry yet' };
  const snapshots = await deps.registry.snapshotsOf(ledgerRoot);
  if (snapshots.length === 0)
    return {
      name: 'registry snapshot',
      ok: false,
      detail: `no registry snapshot for the recorded root ${ledgerRoot}`,
    };
  const bad = snapshots.find((snapshot) => registryMerkleRoot(snapshot.flags) !== ledgerRoot);
  if (bad)
    return {
      name: 'registry snapshot',
      ok: false,
      detail: `${bad.path} holds flags whose root is not the one in its name`,
    };
  return { name: 'registry snapshot', ok: true, detail: `${snapshots.at(-1)?.path}` };
}

async function artifactCheck(deps: WorkspaceDeps, approvals: readonly Approval[]): Promise<VerifyCheck> {
  const { root } = await deps.files.artifactRoot();
  const bound = approvals.filter((approval) => approval.artifactRoot !== root);
  if (bound.length > 0) {
    const roles = bound.map((approval) => approval.roleId).join(', ');
    return {
      name: 'artifact root',
      ok: false,
      detail: `the artifacts now have root ${root}, but the approvals of ${roles} commit to ${bound[0]?.artifactRoot}: a file changed after approval`,
    };
  }
  return { name: 'artifact root', ok: true, detail: root };
}
