import { approvalDigest } from '../domain/approval-digest.js';
import type { LedgerEntry } from '../domain/ledger-entry.js';
import { registryMerkleRoot } from '../domain/merkle.js';
import type { Approval } from '../domain/rollout-state.js';
import { verifyLedger } from '../domain/verify-ledger.js';
import type { VerifyCheck } from './ports/rollout-actions.js';
import type { RolloutContext } from './rollout-context.js';

const REGISTRY_REASONS = new Set(['registry_write', 'registry_adopted', 'registry_recovered']);

export type VerifyDeps = Pick<
  RolloutContext,
  'phase' | 'ledger' | 'store' | 'rootRecord' | 'registry' | 'files' | 'mirror'
>;

/**
 * Recomputes everything an auditor relies on, from the workspace files and Redis: the ledger's hash
 * chain, the feature-registry root, the artifact root the approvals commit to, and every approval
 * digest, in the ledger and in the current rollout.
 */
export async function verifyWorkspace(deps: VerifyDeps): Promise<{ ok: boolean; checks: VerifyCheck[] }> {
  const entries = await deps.ledger.read();
  const { state } = await deps.store.load(deps.phase);
  const approvals = Object.values(state?.approvals ?? {});
  const checks: VerifyCheck[] = [
    checkChain(entries, await deps.ledger.head()),
    ...(await checkRegistry(deps, entries)),
    await checkArtifacts(deps, approvals),
    checkApprovals(deps.phase, entries, approvals),
    await checkMirror(deps, entries),
  ];
  return { ok: checks.every((check) => check.ok), checks };
}

function checkChain(entries: LedgerEntry[], head: { seq: number; hash: string }): VerifyCheck {
  const verdict = verifyLedger(entries);
  if (!verdict.ok)
    return { name: 'ledger chain', ok: false, detail: `${verdict.message} (${verdict.problem})` };
  // The chain can be whole and still be short: entries cut from the end leave a valid prefix.
  if (verdict.entries !== head.seq || verdict.headHash !== head.hash) {
    return {
      name: 'ledger chain',
      ok: false,
      detail: `the chain ends at entry #${verdict.entries}, but the ledger head says #${head.seq}: entries are missing from the end`,
    };
  }
  return { name: 'ledger chain', ok: true, detail: `${verdict.entries} entries, head ${verdict.headHash}` };
}

async function checkRegistry(deps: VerifyDeps, entries: LedgerEntry[]): Promise<VerifyCheck[]> {
  const { root: fileRoot } = await deps.registry.read();
  const { root: recordedRoot } = await deps.rootRecord.get();
  const lastRecorded = entries.findLast((entry) => REGISTRY_REASONS.has(entry.body.reason));
  const ledgerRoot = (lastRecorded?.body.after as { root?: string } | null)?.root ?? null;
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
            detail: `${deps.registry.path} has root ${fileRoot}, but ledger entry #${lastRecorded?.seq} recorded ${ledgerRoot}`,
          }
        : {
            name: 'registry root',
            ok: true,
            detail: `${fileRoot}${recordedRoot === null ? ' (no write recorded yet)' : ''}`,
          };
  return [rootCheck, await checkSnapshot(deps, ledgerRoot, lastRecorded?.body.reason)];
}

/**
 * The snapshot of the root the ledger last recorded must exist and hold flags with that root. Names
 * carry the time only to the second, so the snapshot is found by its root, not by sorting names.
 */
async function checkSnapshot(
  deps: VerifyDeps,
  ledgerRoot: string | null,
  lastReason: string | undefined,
): Promise<VerifyCheck> {
  if (ledgerRoot === null || lastReason === 'registry_adopted') {
    return { name: 'registry snapshot', ok: true, detail: 'the bot has not written the registry yet' };
  }
  const snapshots = await deps.registry.snapshotsOf(ledgerRoot);
  if (snapshots.length === 0) {
    return {
      name: 'registry snapshot',
      ok: false,
      detail: `no registry snapshot for the recorded root ${ledgerRoot}`,
    };
  }
  for (const snapshot of snapshots) {
    if (registryMerkleRoot(snapshot.flags) !== ledgerRoot) {
      return {
        name: 'registry snapshot',
        ok: false,
        detail: `${snapshot.path} holds flags whose root is not the one in its name`,
      };
    }
  }
  return { name: 'registry snapshot', ok: true, detail: `${snapshots.at(-1)?.path}` };
}

async function checkArtifacts(deps: VerifyDeps, approvals: readonly Approval[]): Promise<VerifyCheck> {
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

function checkApprovals(phase: string, entries: LedgerEntry[], approvals: readonly Approval[]): VerifyCheck {
  let count = 0;
  for (const entry of entries) {
    if (entry.body.reason !== 'approval_recorded') continue;
    const facts = (
      entry.body.detail as {
        facts?: { roleId: string; signedAt: string; artifactRoot: string; digest: string };
      }
    ).facts;
    if (!facts)
      return {
        name: 'approval digests',
        ok: false,
        detail: `ledger entry #${entry.seq} records an approval without its commitment`,
      };
    count += 1;
    if (approvalDigest({ phase: entry.body.phase, ...facts }) !== facts.digest) {
      return {
        name: 'approval digests',
        ok: false,
        detail: `ledger entry #${entry.seq}: the ${facts.roleId} digest does not match its parts`,
      };
    }
  }
  for (const approval of approvals) {
    count += 1;
    if (approvalDigest({ phase, ...approval }) !== approval.digest) {
      return {
        name: 'approval digests',
        ok: false,
        detail: `the current ${approval.roleId} approval's digest does not match its parts`,
      };
    }
  }
  return { name: 'approval digests', ok: true, detail: `${count} digests recomputed` };
}

async function checkMirror(deps: VerifyDeps, entries: LedgerEntry[]): Promise<VerifyCheck> {
  const mirrored = await deps.mirror.entries();
  if (mirrored === undefined)
    return { name: 'ledger mirror', ok: true, detail: `${deps.mirror.path} not written yet` };
  for (const [index, marker] of mirrored.entries()) {
    const entry = entries[index];
    if (entry?.seq !== marker.seq || entry.hash !== marker.hash) {
      return {
        name: 'ledger mirror',
        ok: false,
        detail: `${deps.mirror.path} entry #${marker.seq} does not match the ledger`,
      };
    }
  }
  return {
    name: 'ledger mirror',
    ok: true,
    detail: `${mirrored.length} of ${entries.length} entries mirrored`,
  };
}
