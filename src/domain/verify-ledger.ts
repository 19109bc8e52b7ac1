import { canonicalJson } from './canonical-json.js';
import { GENESIS_HASH, type LedgerEntry, ledgerEntryHash } from './ledger-entry.js';

type ChainProblem = 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch';

export type ChainVerdict =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; seq: number; problem: ChainProblem; message: string };

/**
 * Re-walks a ledger from its first entry and names the first entry that does not fit the chain:
 * a missing or repeated seq, a prevHash that is not the previous entry's hash, or a hash that does not
 * match the entry's own content.
 */
export function verifyLedger(entries: Iterable<LedgerEntry>): ChainVerdict {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) {
      return fail(expectedSeq, 'seq_gap', `expected entry #${expectedSeq} but found #${entry.seq}`);
    }
    if (entry.prevHash !== prevHash) {
      return fail(
        entry.seq,
        'prev_hash_mismatch',
        `entry #${entry.seq} does not point at entry #${entry.seq - 1}`,
      );
    }
    if (ledgerEntryHash(entry.seq, entry.prevHash, canonicalJson(entry.body)) !== entry.hash) {
      return fail(entry.seq, 'hash_mismatch', `entry #${entry.seq} was changed after it was written`);
    }
    prevHash = entry.hash;
    expectedSeq += 1;
  }
  return { ok: true, entries: expectedSeq - 1, headHash: prevHash };
}

function fail(seq: number, problem: ChainProblem, message: string): ChainVerdict {
  return { ok: false, seq, problem, message };
}
