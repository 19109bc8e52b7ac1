import { describe, expect, it } from 'vitest';
import { ChainWalker } from '../../src/domain/chain-walker.js';
import { GENESIS_HASH, ledgerEntryHash } from '../../src/domain/ledger-entry.js';
import { ledgerLeafHash } from '../../src/domain/log-tree.js';
import { storedEntryText } from '../../src/domain/stored-entry.js';

/** `count` stored entries chained from the genesis, as Redis holds them. */
function chain(count: number): { texts: string[]; hashes: string[] } {
  const texts: string[] = [];
  const hashes: string[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const bodyText = `{"action":"step_${seq}","v":1}`;
    const hash = ledgerEntryHash(seq, prevHash, bodyText);
    texts.push(storedEntryText(seq, prevHash, hash, bodyText));
    hashes.push(hash);
    prevHash = hash;
  }
  return { texts, hashes };
}

const walkAll = (walker: ChainWalker, texts: string[]) => texts.map((text) => walker.next(text));

describe('ChainWalker', () => {
  it('accepts a good chain, giving each entry its ledger leaf, and keeps the head', () => {
    const { texts, hashes } = chain(3);
    const walker = new ChainWalker();
    expect(walker.head).toEqual({ seq: 0, hash: GENESIS_HASH });
    const steps = walkAll(walker, texts);
    expect(steps.map((step) => step.ok)).toEqual([true, true, true]);
    steps.forEach((step, index) => {
      if (!step.ok) throw new Error(step.message);
      expect(step.stored.seq).toBe(index + 1);
      expect(step.leaf.equals(ledgerLeafHash(hashes[index] as string))).toBe(true);
    });
    expect(walker.head).toEqual({ seq: 3, hash: hashes[2] });
  });

  it('resumes after a given head, and refuses an entry that does not follow it', () => {
    const { texts, hashes } = chain(4);
    const resumed = new ChainWalker({ seq: 2, hash: hashes[1] as string });
    expect(walkAll(resumed, texts.slice(2)).every((step) => step.ok)).toBe(true);
    expect(resumed.head).toEqual({ seq: 4, hash: hashes[3] });

    const wrongHead = new ChainWalker({ seq: 2, hash: hashes[0] as string });
    expect(wrongHead.next(texts[2] as string)).toMatchObject({ ok: false, problem: 'prev_hash_mismatch' });
  });

  it.each([
    {
      problem: 'malformed',
      broken: (texts: string[]) => [texts[0], `${texts[1]} `],
      message: 'entry #2 is not a stored ledger entry',
    },
    {
      problem: 'seq_gap',
      broken: (texts: string[]) => [texts[0], texts[2]],
      message: 'expected entry #2 but found #3',
    },
    {
      problem: 'prev_hash_mismatch',
      // Entry 2, re-hashed over a different previous hash: its own hash is right, its link is not.
      broken: (texts: string[]) => {
        const bodyText = '{"action":"step_2","v":1}';
        const prevHash = 'f'.repeat(64);
        return [texts[0], storedEntryText(2, prevHash, ledgerEntryHash(2, prevHash, bodyText), bodyText)];
      },
      message: 'entry #2 does not point at entry #1',
    },
    {
      problem: 'hash_mismatch',
      broken: (texts: string[]) => [texts[0], (texts[1] as string).replace('step_2', 'step_X')],
      message: 'entry #2 was changed after it was written',
    },
  ])('reports $problem at the entry it finds, and does not move past it', ({ problem, broken, message }) => {
    const { texts, hashes } = chain(3);
    const walker = new ChainWalker();
    const [first, second] = walkAll(walker, broken(texts) as string[]);
    expect(first?.ok).toBe(true);
    expect(second).toEqual({ ok: false, seq: 2, problem, message });
    expect(walker.head).toEqual({ seq: 1, hash: hashes[0] });
  });
});
