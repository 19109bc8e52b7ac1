import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../domain/canonical-json.js';
import { registryMerkleRoot } from '../domain/merkle.js';
import { handEditOverridden, REGISTRY_GATE } from '../domain/registry-gate.js';
import { registryBody } from './ledger-body.js';
import type { FlagRegistry, Flags } from './ports/flag-registry.js';
import type { RegistryRootRecord } from './ports/registry-root-record.js';
import { type ApplyContext, apply } from './rollout-context.js';

export interface RegistryDeps {
  registry: Pick<FlagRegistry, 'read' | 'write'>;
  rootRecord: RegistryRootRecord;
  now: () => Date;
  /**
   * Aborts when the traffic lock the write runs under is lost; checked before a write begins, which
   * then fails with the signal's reason (`lock_lost`). Absent for writes that need no traffic lock.
   */
  signal?: AbortSignal;
}

export type RegistryCheck =
  | { status: 'intact' | 'adopted' | 'recovered' | 'writing'; root: string; flags: Flags }
  | { status: 'tampered'; fileRoot: string; recordedRoot: string }
  | { status: 'busy' };

const ATTEMPTS = 20;

/**
 * Compares the registry file's Merkle root with the one the bot last recorded. A different root means
 * someone edited the file by hand. The first check of a workspace adopts the root it finds. A root the
 * bot was about to confirm when it crashed is confirmed now, with its ledger entry; while a writer
 * still holds the lease, its pending root is simply a write in progress.
 */
export async function checkRegistry(deps: RegistryDeps, phase: string): Promise<RegistryCheck> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // The record is read on both sides of the file: a write that lands in between (another process's,
    // begun and confirmed while this one looked) would otherwise pair a new record with an old file
    // and read as a hand edit. With the record unchanged across the read, the file is its own.
    const seen = await deps.rootRecord.get();
    const { root, flags } = await deps.registry.read();
    const recorded = await deps.rootRecord.get();
    if (!sameRecord(seen, recorded)) {
      await pause(attempt);
      continue;
    }
    if (root === recorded.root) return { status: 'intact', root, flags };
    if (root === recorded.pendingRoot) {
      if (recorded.leased) return { status: 'writing', root, flags };
      const entry = registryBody(
        phase,
        deps.now(),
        'registry_recovered',
        { root: recorded.root },
        { root },
        null,
      );
      if (await deps.rootRecord.recover(root, entry)) return { status: 'recovered', root, flags };
      continue;
    }
    if (recorded.root === null) {
      const token = randomUUID();
      if (!(await deps.rootRecord.begin(null, root, token))) {
        await pause(attempt);
        continue;
      }
      const entry = registryBody(phase, deps.now(), 'registry_adopted', null, { root }, null);
      if (await deps.rootRecord.confirm(root, token, entry)) return { status: 'adopted', root, flags };
      continue;
    }
    return { status: 'tampered', fileRoot: root, recordedRoot: recorded.root };
  }
  return { status: 'busy' };
}

export type FlagWrite =
  | { status: 'written'; root: string; snapshot: string }
  | { status: 'unchanged'; root: string }
  | { status: 'tampered'; fileRoot: string; recordedRoot: string }
  | { status: 'busy' | 'lease_lost' };

/** Who writes, and why, for the ledger entry of a registry write. */
export interface RegistryWriteContext {
  phase: string;
  rolloutId: string | null;
  actor: string;
  /**
   * The root of a hand edit a person overrode: a write may go over that edit, and only that one, and the
   * ledger says so. Absent, any hand edit refuses the write.
   */
  overriddenHandEdit?: string;
}

/**
 * Sets one flag, as the registry's only writer: refuses to write over a hand-edited file, writes
 * atomically with a snapshot, and records the values before and after in the ledger in the same step
 * that records the new root.
 */
export function writeFlag(
  deps: RegistryDeps,
  write: RegistryWriteContext & { key: string; value: JsonValue },
): Promise<FlagWrite> {
  return writeRegistry(deps, write, (flags) => ({
    next: { ...flags, [write.key]: write.value },
    before: { [write.key]: (flags[write.key] ?? null) as JsonValue },
    after: { [write.key]: write.value },
  }));
}

/**
 * Puts back a whole registry (a rollback's restore from backup), recording every flag that changes. A
 * rollback must reach shadow even over a hand edit, so it overwrites one, and the ledger says so.
 */
export function restoreRegistry(
  deps: RegistryDeps,
  write: RegistryWriteContext & { flags: Flags; source: string },
): Promise<FlagWrite> {
  return writeRegistry(deps, { ...write, overwriteHandEdit: true }, (flags) => {
    const keys = [...new Set([...Object.keys(flags), ...Object.keys(write.flags)])].filter(
      (key) => JSON.stringify(flags[key]) !== JSON.stringify(write.flags[key]),
    );
    const pick = (from: Flags) =>
      Object.fromEntries(keys.map((key) => [key, (from[key] ?? null) as JsonValue]));
    return {
      next: write.flags,
      before: pick(flags),
      after: { ...pick(write.flags), restoredFrom: write.source },
    };
  });
}

async function writeRegistry(
  deps: RegistryDeps,
  write: RegistryWriteContext & { overwriteHandEdit?: boolean },
  change: (flags: Flags) => {
    next: Flags;
    before: Record<string, JsonValue>;
    after: Record<string, JsonValue>;
  },
): Promise<FlagWrite> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const check = await checkRegistry(deps, write.phase);
    const overwrite =
      write.overwriteHandEdit || (check.status === 'tampered' && check.fileRoot === write.overriddenHandEdit);
    if (check.status === 'busy' || (check.status === 'tampered' && !overwrite)) return check;
    if (check.status === 'writing') {
      await pause(attempt);
      continue;
    }
    // Over a hand edit, the write starts from the file as it is, claimed against the recorded root.
    const { flags, root } = check.status === 'tampered' ? await deps.registry.read() : check;
    const claimedRoot = check.status === 'tampered' ? check.recordedRoot : root;
    const { next, before, after } = change(flags);
    if (registryMerkleRoot(next) === root) return { status: 'unchanged', root };
    deps.signal?.throwIfAborted();
    const token = randomUUID();
    if (!(await deps.rootRecord.begin(claimedRoot, registryMerkleRoot(next), token))) {
      await pause(attempt);
      continue;
    }
    let written: { root: string; snapshot: string };
    try {
      written = await deps.registry.write(next, deps.now());
    } catch (error) {
      await deps.rootRecord.release(token);
      throw error;
    }
    const overwrote = check.status === 'tampered' ? { overwroteHandEditedRoot: root } : {};
    const entry = {
      ...registryBody(
        write.phase,
        deps.now(),
        'registry_write',
        { root, ...before },
        { root: written.root, ...after },
        { snapshot: written.snapshot, ...overwrote },
      ),
      rolloutId: write.rolloutId,
      actor: write.actor,
    };
    // A lease that expired under a slow write is reported, not papered over: the next check decides.
    if (!(await deps.rootRecord.confirm(written.root, token, entry))) return { status: 'lease_lost' };
    return { status: 'written', ...written };
  }
  return { status: 'busy' };
}

type Recorded = Awaited<ReturnType<RegistryRootRecord['get']>>;
const sameRecord = (a: Recorded, b: Recorded) =>
  a.root === b.root && a.pendingRoot === b.pendingRoot && a.leased === b.leased;

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5 + attempt * 10));
}

/** The id of the CRITICAL gate a hand-edited registry opens (named in the domain, which decides it). */
export { REGISTRY_GATE };

/** What the guard found: a hand edit a person overrode lets the bot go on, any other one holds it. */
export type RegistryGuard = RegistryCheck | { status: 'overridden'; fileRoot: string; recordedRoot: string };

/**
 * Checks the registry against the phase's rollout record, through the publishing path so people see
 * what changed. A hand edit opens the CRITICAL gate `registry_tampered` (and cancels a pending ramp),
 * unless a person overrode that very edit; once the file is the bot's again, the gate closes. Run at
 * start-up, when a rollout starts, before each ramp writes, before a soak passes and before certifying.
 */
export async function guardRegistry(ctx: RegistryDeps & ApplyContext, phase: string): Promise<RegistryGuard> {
  const check = await checkRegistry(ctx, phase);
  if (check.status === 'tampered') {
    const { fileRoot, recordedRoot } = check;
    const result = await apply(ctx, { type: 'registry_edited', fileRoot, recordedRoot });
    // A conflict that outlasted every retry opened nothing: the edit holds the caller all the same.
    const state = result.outcome === 'conflict' ? null : result.state;
    return handEditOverridden(state, fileRoot) ? { status: 'overridden', fileRoot, recordedRoot } : check;
  }
  if (check.status !== 'busy' && check.status !== 'writing') {
    await apply(ctx, {
      type: 'gate_resolved',
      gateId: REGISTRY_GATE,
      summary: 'the registry is again the one the bot last wrote',
    });
  }
  return check;
}
