import { describe, expect, it } from 'vitest';
import { InclusionWatch } from '../../src/app/inclusion-watch.js';
import type { Checkpoint } from '../../src/domain/checkpoint-note.js';
import { GENESIS_HASH, type LedgerEntry } from '../../src/domain/ledger-entry.js';
import { ledgerLeafHash, TreeBuilder, verifyInclusion } from '../../src/domain/log-tree.js';
import { sha256Hex } from '../../src/domain/sha256.js';
import { body } from './ports/rollout-store.contract.js';

const ORIGIN = 'mec.test/release-ledger';

/** Entries with distinct hashes; the watch reads only seq and hash. */
const entries = (count: number): LedgerEntry[] =>
  Array.from({ length: count }, (_, index) => ({
    seq: index + 1,
    prevHash: GENESIS_HASH,
    hash: sha256Hex(`entry ${index + 1}`),
    body: body(`action_${index + 1}`),
  }));

/** The root of the first `size` entries, as a checkpoint would sign it. */
function checkpointOf(all: LedgerEntry[], size: number): Checkpoint {
  const builder = new TreeBuilder();
  for (const entry of all.slice(0, size)) builder.push(ledgerLeafHash(entry.hash));
  return { origin: ORIGIN, size, root: builder.root() };
}

/** Walks the entries as the audit does, telling the watch each entry and each checkpoint it reaches. */
function walk(all: LedgerEntry[], seq: number, target: Checkpoint, reachedAt: Checkpoint[]) {
  const builder = new TreeBuilder();
  const watch = new InclusionWatch(builder, seq, target);
  for (const entry of all) {
    builder.push(ledgerLeafHash(entry.hash));
    watch.saw(entry);
    for (const checkpoint of reachedAt) if (checkpoint.size === builder.size) watch.reached(checkpoint);
  }
  return watch.result();
}

describe('InclusionWatch', () => {
  it('collects a proof that verifies for every entry of every checkpoint size up to 17', () => {
    const all = entries(17);
    for (let size = 1; size <= 17; size++)
      for (let seq = 1; seq <= size; seq++) {
        const checkpoint = checkpointOf(all, size);
        const result = walk(all.slice(0, size), seq, checkpoint, [checkpoint]);
        expect(result?.ok, `entry ${seq} of ${size}`).toBe(true);
        expect(result?.entry.seq).toBe(seq);
        expect(result?.checkpoint).toBe(checkpoint);
        const leaf = ledgerLeafHash(all[seq - 1]?.hash as string);
        expect(verifyInclusion(seq - 1, size, leaf, result?.proof ?? [], checkpoint.root)).toBe(true);
      }
  });

  it('proves against its own checkpoint, passing earlier ones, while the ledger grows past it', () => {
    const all = entries(21);
    const target = checkpointOf(all, 13);
    const result = walk(all, 5, target, [
      checkpointOf(all, 4),
      checkpointOf(all, 9),
      target,
      checkpointOf(all, 21),
    ]);
    expect(result?.ok).toBe(true);
    expect(result?.checkpoint.size).toBe(13);
  });

  it('reports a proof that fails when the signed root is not the ledger’s', () => {
    const all = entries(8);
    const forged = { ...checkpointOf(all, 8), root: Buffer.alloc(32, 9) };
    const result = walk(all, 3, forged, [forged]);
    expect(result?.ok).toBe(false);
    expect(result?.proof).toHaveLength(3);
  });

  it('has no result until the checkpoint is reached', () => {
    const all = entries(8);
    expect(walk(all, 3, checkpointOf(all, 8), [])).toBeUndefined();
    expect(walk(all.slice(0, 6), 3, checkpointOf(all, 8), [checkpointOf(all, 6)])).toBeUndefined();
  });
});
