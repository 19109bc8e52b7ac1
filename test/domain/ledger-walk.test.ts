import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, ledgerEntryHash } from '../../src/domain/ledger-entry.js';
import { LedgerWalk } from '../../src/domain/ledger-walk.js';
import { storedEntryText } from '../../src/domain/stored-entry.js';

/** `count` stored entries chained from the genesis, as Redis holds them. */
function chain(count: number): string[] {
  const texts: string[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const bodyText = `{"action":"step_${seq}","v":1}`;
    const hash = ledgerEntryHash(seq, prevHash, bodyText);
    texts.push(storedEntryText(seq, prevHash, hash, bodyText));
    prevHash = hash;
  }
  return texts;
}

const walked = (texts: readonly string[], from?: LedgerWalk) => {
  const walk = from ?? new LedgerWalk();
  for (const text of texts) expect(walk.next(text)).toBeUndefined();
  return walk;
};

describe('LedgerWalk', () => {
  it('goes on from any state it posted as one walk from the genesis would: same root, same state', () => {
    const texts = chain(40);
    const whole = new LedgerWalk();
    for (let size = 0; size <= texts.length; size += 1) {
      // Through a JSON round trip, as a thread's answer would be cloned.
      const state = JSON.parse(JSON.stringify(whole.state()));
      const resumed = walked(texts.slice(size), new LedgerWalk(state));
      expect(resumed.tree.root()).toEqual(walked(texts).tree.root());
      expect(resumed.state()).toEqual(walked(texts).state());
      if (size < texts.length) whole.next(texts[size] as string);
    }
  });

  it('keeps the state small: the chain head and one hash per perfect subtree', () => {
    const state = walked(chain(37)).state();
    // 37 = 32 + 4 + 1.
    expect(state.frontier).toHaveLength(3);
    expect(state.head.seq).toBe(37);
    expect(new LedgerWalk().state()).toEqual({ head: { seq: 0, hash: GENESIS_HASH }, frontier: [] });
  });

  it('says why the chain breaks, then walks nothing', () => {
    const texts = chain(4);
    const changed = (texts[2] as string).replace('step_3', 'step_X');
    const walk = walked(texts.slice(0, 2));
    expect(walk.next(changed)).toBe('entry #3 was changed after it was written (hash_mismatch)');
    expect(walk.next(texts[3] as string)).toBe('expected entry #3 but found #4 (seq_gap)');
    expect(walk.size).toBe(2);
  });

  it('says when the list ends short of the head it walked to', () => {
    const walk = walked(chain(3));
    expect(walk.shortOf(3)).toBeUndefined();
    expect(walk.shortOf(5)).toBe('the ledger head says 5 entries, but its list ends at #3');
  });

  it('refuses a state whose frontier does not fit its size', () => {
    const { head, frontier } = walked(chain(6)).state();
    for (const broken of [
      { head, frontier: frontier.slice(1) },
      { head, frontier: [...frontier, frontier[0] as string] },
      { head, frontier: [frontier[0] as string, 'abcd'] },
      { head: { ...head, seq: 7 }, frontier },
      { head: { ...head, seq: 5.5 }, frontier },
    ])
      expect(() => new LedgerWalk(broken)).toThrow(expect.objectContaining({ code: 'invariant_violated' }));
  });
});
