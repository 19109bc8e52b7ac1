import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Ed25519CheckpointSigner } from '../../src/adapters/node-crypto/ed25519-checkpoint-signer.js';
import { type CheckpointTally, trustedCheckpoints } from '../../src/app/checkpoint-stream.js';
import {
  checkpointText,
  formatNote,
  type NoteVerifier,
  parseVerifierKey,
} from '../../src/domain/checkpoint-note.js';
import { testLedgerKey } from '../support/ledger-key.js';

const ORIGIN = 'mec.test/release-ledger';
const ledgerSigner = new Ed25519CheckpointSigner(ORIGIN, testLedgerKey());
const verifier = parseVerifierKey(ledgerSigner.verifierKey);

/** A checkpoint of `size` for `origin`, signed by `key` under the ledger's name. */
function note(size: number, options: { origin?: string; key?: KeyObject } = {}): { note: string } {
  const signer = options.key ? new Ed25519CheckpointSigner(ORIGIN, options.key) : ledgerSigner;
  const text = checkpointText({ origin: options.origin ?? ORIGIN, size, root: Buffer.alloc(32, size) });
  return {
    note: formatNote({
      text,
      signatures: [{ name: ORIGIN, keyId: signer.keyId, signature: signer.sign(text) }],
    }),
  };
}

async function* each<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

async function trusted(
  items: Array<{ note: string } | { torn: string }>,
  key: NoteVerifier | null = verifier,
) {
  const tally: CheckpointTally = { signed: 0, torn: false };
  const sizes: number[] = [];
  for await (const checkpoint of trustedCheckpoints(each(items), key ?? undefined, ORIGIN, tally))
    sizes.push(checkpoint.size);
  return { sizes, tally };
}

describe('trustedCheckpoints', () => {
  it('yields every checkpoint the ledger key signed, in order, and counts them', async () => {
    expect(await trusted([note(1), note(3), note(7)])).toEqual({
      sizes: [1, 3, 7],
      tally: { signed: 3, torn: false },
    });
  });

  it('skips a note whose signature does not verify, describing the first such', async () => {
    const forged = note(3).note.replace('\n3\n', '\n4\n');
    const { sizes, tally } = await trusted([note(1), { note: forged }, note(5), { note: forged }]);
    expect(sizes).toEqual([1, 5]);
    expect(tally).toEqual({
      signed: 2,
      torn: false,
      badSignature: `note 2 (size 4) is not signed by ${ORIGIN}+${verifier.keyId}`,
    });
  });

  it('skips a note signed by another key under the same name', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const { sizes, tally } = await trusted([note(1, { key: other }), note(2)]);
    expect(sizes).toEqual([2]);
    expect(tally.badSignature).toBe(`note 1 (size 1) is not signed by ${ORIGIN}+${verifier.keyId}`);
  });

  it('skips a checkpoint the ledger key signed for another origin', async () => {
    const { sizes, tally } = await trusted([note(1, { origin: 'mec.test/other-ledger' }), note(2)]);
    expect(sizes).toEqual([2]);
    expect(tally.badSignature).toBe(`note 1 is for origin mec.test/other-ledger, not ${ORIGIN}`);
    expect(tally.signed).toBe(1);
  });

  it('skips a note that is no checkpoint, saying why', async () => {
    const { sizes, tally } = await trusted([{ note: 'hello\n' }, note(2)]);
    expect(sizes).toEqual([2]);
    expect(tally.badSignature).toMatch(/^note 1 is not a checkpoint \(.+\)$/);
  });

  it('trusts nothing without a verifier key, and says to set one', async () => {
    const { sizes, tally } = await trusted([note(1), note(2)], null);
    expect(sizes).toEqual([]);
    expect(tally).toEqual({
      signed: 0,
      torn: false,
      badSignature: 'note 1 (size 1) is not signed by a known key: set ledger.publicKey',
    });
  });

  it('counts but does not yield a checkpoint whose size does not grow on the last trusted one', async () => {
    const { sizes, tally } = await trusted([note(2), note(5), note(5), note(3), note(6)]);
    expect(sizes).toEqual([2, 5, 6]);
    expect(tally).toEqual({
      signed: 5,
      torn: false,
      outOfOrder: 'note 3 covers 5 entries, after one that covered 5',
    });
  });

  it('notes a torn note and goes on', async () => {
    const { sizes, tally } = await trusted([note(1), { torn: `${ORIGIN}\n2\n` }]);
    expect(sizes).toEqual([1]);
    expect(tally).toEqual({ signed: 1, torn: true });
  });
});
