import { GENESIS_HASH, ledgerEntryHash } from './ledger-entry.js';
import { ledgerLeafHash } from './log-tree.js';
import { parseStoredEntry, type StoredEntry } from './stored-entry.js';

type ChainProblem = 'malformed' | 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch';

export type ChainStep =
  | { ok: true; stored: StoredEntry; leaf: Buffer }
  | { ok: false; seq: number; problem: ChainProblem; message: string };

/**
 * Walks stored ledger entries in order, from the genesis or from a known entry: each must parse, come
 * next in seq, point at the entry before it, and hash to its own hash. Each one that does gives its
 * leaf of the ledger's Merkle tree.
 */
export class ChainWalker {
  #seq: number;
  #hash: string;

  constructor(after: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }) {
    this.#seq = after.seq;
    this.#hash = after.hash;
  }

  /** The last entry walked: seq 0 and the genesis hash before any. */
  get head(): { seq: number; hash: string } {
    return { seq: this.#seq, hash: this.#hash };
  }

  next(text: string): ChainStep {
    const expected = this.#seq + 1;
    const stored = parseStoredEntry(text);
    if (!stored)
      return {
        ok: false,
        seq: expected,
        problem: 'malformed',
        message: `entry #${expected} is not a stored ledger entry`,
      };
    if (stored.seq !== expected)
      return {
        ok: false,
        seq: expected,
        problem: 'seq_gap',
        message: `expected entry #${expected} but found #${stored.seq}`,
      };
    if (stored.prevHash !== this.#hash)
      return {
        ok: false,
        seq: expected,
        problem: 'prev_hash_mismatch',
        message: `entry #${expected} does not point at entry #${expected - 1}`,
      };
    if (ledgerEntryHash(stored.seq, stored.prevHash, stored.bodyText) !== stored.hash)
      return {
        ok: false,
        seq: expected,
        problem: 'hash_mismatch',
        message: `entry #${expected} was changed after it was written`,
      };
    this.#seq = expected;
    this.#hash = stored.hash;
    return { ok: true, stored, leaf: ledgerLeafHash(stored.hash) };
  }
}
