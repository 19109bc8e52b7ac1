import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { Ed25519CheckpointSigner } from '../../src/adapters/node-crypto/ed25519-checkpoint-signer.js';
import { auditLedger } from '../../src/app/audit-ledger.js';
import {
  type Checkpoint,
  checkpointText,
  formatNote,
  parseVerifierKey,
} from '../../src/domain/checkpoint-note.js';
import type { LedgerEntry } from '../../src/domain/ledger-entry.js';
import { ledgerLeafHash, TreeBuilder } from '../../src/domain/log-tree.js';
import { testLedgerKey } from '../support/ledger-key.js';
import { body } from './ports/rollout-store.contract.js';

const ORIGIN = 'mec.example.com/release-ledger';
const signer = new Ed25519CheckpointSigner(ORIGIN, testLedgerKey());
const trust = { verifier: parseVerifierKey(signer.verifierKey), origin: ORIGIN };

function ledgerOf(count: number) {
  const ledger = new MemoryLedger();
  for (let i = 0; i < count; i += 1) ledger.appendNow(body('append', { actor: `U${i}` }));
  return ledger;
}

function noteAt(entries: readonly LedgerEntry[], size: number): string {
  const tree = new TreeBuilder();
  for (const entry of entries.slice(0, size)) tree.push(ledgerLeafHash(entry.hash));
  const text = checkpointText({ origin: ORIGIN, size, root: tree.root() });
  return formatNote({
    text,
    signatures: [{ name: ORIGIN, keyId: signer.keyId, signature: signer.sign(text) }],
  });
}

async function audit(
  ledger: MemoryLedger,
  notes: Array<{ note: string } | { torn: string }>,
  inclusion?: number,
) {
  const head = await ledger.head();
  async function* each() {
    yield* notes;
  }
  const latestSize = Math.max(
    0,
    ...notes.map((item) => ('note' in item ? Number(item.note.split('\n')[1]) : 0)),
  );
  const checkpoint: Checkpoint = { origin: ORIGIN, size: latestSize, root: Buffer.alloc(32) };
  if (inclusion !== undefined) {
    const tree = new TreeBuilder();
    for (const entry of ledger.entries.slice(0, latestSize)) tree.push(ledgerLeafHash(entry.hash));
    checkpoint.root = tree.root();
  }
  return auditLedger(
    { head, pages: ledger.pages(), checkpoints: each },
    trust,
    [],
    inclusion === undefined ? undefined : { seq: inclusion, checkpoint },
  );
}

const byName = (checks: Array<{ name: string; ok: boolean; detail: string }>) =>
  Object.fromEntries(checks.map((check) => [check.name, check]));

describe('auditLedger', () => {
  it('passes an empty ledger without checkpoints, and fails a non-empty one without any', async () => {
    expect((await audit(ledgerOf(0), [])).checks.every((check) => check.ok)).toBe(true);
    const checks = byName((await audit(ledgerOf(3), [])).checks);
    expect(checks['checkpoint signatures']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('no signed checkpoint'),
    });
  });

  it('proves each checkpoint from the one before and names the newer entries not yet covered', async () => {
    const ledger = ledgerOf(9);
    const result = await audit(
      ledger,
      [2, 5, 7].map((size) => ({ note: noteAt(ledger.entries, size) })),
    );
    const checks = byName(result.checks);
    expect(result.checks.every((check) => check.ok)).toBe(true);
    expect(checks['ledger consistency']?.detail).toContain('3 consistency proofs');
    expect(checks['ledger consistency']?.detail).toContain('2 newer entries await the next checkpoint');
    expect(result.latest?.size).toBe(7);
  });

  it('fails checkpoints whose sizes go backwards, and passes over a torn note at the end', async () => {
    const ledger = ledgerOf(6);
    const backwards = await audit(ledger, [
      { note: noteAt(ledger.entries, 5) },
      { note: noteAt(ledger.entries, 3) },
    ]);
    expect(byName(backwards.checks)['ledger consistency']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('after one that covered 5'),
    });
    const torn = await audit(ledger, [
      { note: noteAt(ledger.entries, 6) },
      { torn: 'mec.example.com/release-ledger\n7\n' },
    ]);
    expect(byName(torn.checks)['checkpoint signatures']).toMatchObject({
      ok: true,
      detail: expect.stringContaining('torn note'),
    });
  });

  it('gives entry N with an inclusion proof against the newest checkpoint', async () => {
    const ledger = ledgerOf(11);
    const result = await audit(
      ledger,
      [{ note: noteAt(ledger.entries, 4) }, { note: noteAt(ledger.entries, 10) }],
      7,
    );
    expect(result.inclusion).toMatchObject({ ok: true, entry: { seq: 7 }, checkpoint: { size: 10 } });
    expect(result.inclusion?.proof).toHaveLength(4);
  });

  it('reports a stored entry that is not in the stored shape, and entries past the recorded head', async () => {
    const ledger = ledgerOf(3);
    const head = await ledger.head();
    async function* broken() {
      yield* ledger.pages(1, 1);
      yield ['{"seq":2,"oops":true}'];
    }
    const malformed = await auditLedger(
      { head, pages: broken(), checkpoints: async function* () {} },
      trust,
      [],
    );
    expect(byName(malformed.checks)['ledger chain']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('malformed'),
    });
    const short = await auditLedger(
      {
        head: { seq: 2, hash: ledger.entries[1]?.hash as string },
        pages: ledger.pages(),
        checkpoints: async function* () {},
      },
      trust,
      [],
    );
    expect(byName(short.checks)['ledger chain']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('past #2'),
    });
  });
});
