import type { FileFlagRegistry, Flags } from '../adapters/files/file-flag-registry.js';
import type { JsonValue } from '../domain/canonical-json.js';
import { type LedgerBody, SYSTEM_ACTOR } from '../domain/ledger-entry.js';
import { registryMerkleRoot } from '../domain/merkle.js';
import type { Ledger, RegistryRootRecord } from './ports.js';

export interface RegistryDeps {
  registry: Pick<FileFlagRegistry, 'read' | 'write'>;
  rootRecord: RegistryRootRecord;
  ledger: Ledger;
  now: () => Date;
}

export type RegistryCheck =
  | { status: 'intact' | 'adopted' | 'recovered'; root: string; flags: Flags }
  | { status: 'tampered'; fileRoot: string; recordedRoot: string };

/**
 * Compares the registry file's Merkle root with the one the bot last recorded. A different root means
 * someone edited the file by hand. The first check of a workspace adopts the root it finds; a root
 * the bot was about to confirm when it crashed is confirmed now.
 */
export async function checkRegistry(deps: RegistryDeps, phase: string): Promise<RegistryCheck> {
  const { root, flags } = await deps.registry.read();
  const recorded = await deps.rootRecord.get();
  if (root === recorded.root) return { status: 'intact', root, flags };
  if (root === recorded.pendingRoot) {
    await deps.rootRecord.confirm(root);
    return { status: 'recovered', root, flags };
  }
  if (recorded.root === null) {
    if (!(await deps.rootRecord.begin(null, root))) return checkRegistry(deps, phase);
    await deps.rootRecord.confirm(root);
    await deps.ledger.append(registryBody(phase, deps.now(), 'registry_adopted', null, { root }, null));
    return { status: 'adopted', root, flags };
  }
  return { status: 'tampered', fileRoot: root, recordedRoot: recorded.root };
}

export type FlagWrite =
  | { status: 'written'; root: string; snapshot: string; unchanged: boolean }
  | { status: 'tampered'; fileRoot: string; recordedRoot: string }
  | { status: 'busy' };

/**
 * Sets one flag, as the registry's only writer: refuses to write over a hand-edited file, writes
 * atomically with a snapshot, and records the values before and after in the ledger.
 */
export async function writeFlag(
  deps: RegistryDeps,
  write: { phase: string; rolloutId: string | null; actor: string; key: string; value: JsonValue },
  attempts = 20,
): Promise<FlagWrite> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const check = await checkRegistry(deps, write.phase);
    if (check.status === 'tampered') return check;
    const { flags, root } = check;
    const next: Flags = { ...flags, [write.key]: write.value };
    const nextRoot = registryMerkleRoot(next);
    if (!(await deps.rootRecord.begin(root, nextRoot))) {
      await new Promise((resolve) => setTimeout(resolve, 10 + attempt * 10));
      continue;
    }
    let written: { root: string; snapshot: string };
    try {
      written = await deps.registry.write(next, deps.now());
    } catch (error) {
      await deps.rootRecord.release();
      throw error;
    }
    await deps.rootRecord.confirm(written.root);
    const before = { root, [write.key]: (flags[write.key] ?? null) as JsonValue };
    const after = { root: written.root, [write.key]: write.value };
    await deps.ledger.append({
      ...registryBody(write.phase, deps.now(), 'registry_write', before, after, {
        snapshot: written.snapshot,
      }),
      rolloutId: write.rolloutId,
      actor: write.actor,
    });
    return { status: 'written', ...written, unchanged: written.root === root };
  }
  return { status: 'busy' };
}

function registryBody(
  phase: string,
  now: Date,
  reason: 'registry_adopted' | 'registry_write',
  before: JsonValue,
  after: JsonValue,
  detail: JsonValue,
): LedgerBody {
  return {
    v: 1,
    at: now.toISOString(),
    phase,
    rolloutId: null,
    actor: SYSTEM_ACTOR,
    action: reason,
    outcome: 'applied',
    reason,
    before,
    after,
    detail,
  };
}
