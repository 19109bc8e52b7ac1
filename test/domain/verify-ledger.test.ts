import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import {
  GENESIS_HASH,
  type LedgerBody,
  type LedgerEntry,
  ledgerEntryHash,
} from '../../src/domain/ledger-entry.js';
import { verifyLedger } from '../../src/domain/verify-ledger.js';

function body(action: string): LedgerBody {
  return {
    v: 1,
    at: '2025-10-21T13:00:00.000Z',
    phase: 'M6',
    rolloutId: 'R1',
    actor: 'U_RM',
    action,
    outcome: 'applied',
    reason: 'ramp_accepted',
    before: { trafficPct: 0 },
    after: { trafficPct: 5 },
    detail: null,
  };
}

function chain(actions: string[]): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  let prevHash = GENESIS_HASH;
  actions.forEach((action, index) => {
    const seq = index + 1;
    const entryBody = body(action);
    const hash = ledgerEntryHash(seq, prevHash, canonicalJson(entryBody));
    entries.push({ seq, prevHash, hash, body: entryBody });
    prevHash = hash;
  });
  return entries;
}

describe('verifyLedger', () => {
  it('accepts an intact chain and reports its head', () => {
    const entries = chain(['start', 'approve', 'ramp']);
    expect(verifyLedger(entries)).toEqual({ ok: true, entries: 3, headHash: entries[2]?.hash });
  });

  it('accepts the empty ledger', () => {
    expect(verifyLedger([])).toEqual({ ok: true, entries: 0, headHash: GENESIS_HASH });
  });

  it.each([
    [
      'a changed body',
      (entries: LedgerEntry[]) => {
        (entries[1] as LedgerEntry).body.actor = 'U_MALLORY';
      },
      { seq: 2, problem: 'hash_mismatch' },
    ],
    [
      'a removed entry',
      (entries: LedgerEntry[]) => {
        entries.splice(1, 1);
      },
      { seq: 2, problem: 'seq_gap' },
    ],
    [
      'a re-hashed entry that no longer links to its predecessor',
      (entries: LedgerEntry[]) => {
        const entry = entries[2] as LedgerEntry;
        entry.prevHash = 'f'.repeat(64);
        entry.hash = ledgerEntryHash(entry.seq, entry.prevHash, canonicalJson(entry.body));
      },
      { seq: 3, problem: 'prev_hash_mismatch' },
    ],
    [
      'two entries swapped',
      (entries: LedgerEntry[]) => {
        const [first, second] = entries as [LedgerEntry, LedgerEntry];
        entries[0] = second;
        entries[1] = first;
      },
      { seq: 1, problem: 'seq_gap' },
    ],
  ])('names the first bad entry after %s', (_what, tamper, expected) => {
    const entries = chain(['start', 'approve', 'ramp', 'soak']);
    tamper(entries);
    expect(verifyLedger(entries)).toMatchObject({ ok: false, ...expected });
  });
});
