import type { LedgerEntry } from './ledger-entry.js';

/**
 * A ledger entry as Redis stores it, one line of JSON in this exact shape:
 * `{"seq":<n>,"prevHash":"<64 hex>","hash":"<64 hex>","body":<canonical JSON of the body>}`.
 * The commit script writes it; the body text inside it is the one the entry hash covers, byte for byte.
 */
export interface StoredEntry {
  seq: number;
  prevHash: string;
  hash: string;
  /** The body's canonical JSON, exactly as hashed. */
  bodyText: string;
}

const SEQ = '{"seq":';
const PREV = ',"prevHash":"';
const HASH = '","hash":"';
const BODY = '","body":';
const HEX64 = /^[0-9a-f]{64}$/;

export function storedEntryText(seq: number, prevHash: string, hash: string, bodyText: string): string {
  return `${SEQ}${seq}${PREV}${prevHash}${HASH}${hash}${BODY}${bodyText}}`;
}

/**
 * Reads a stored entry by position, without parsing its body: verify reads a million of them. Anything
 * not in the exact shape is undefined, which verify reports as a malformed entry.
 */
export function parseStoredEntry(text: string): StoredEntry | undefined {
  if (!text.startsWith(SEQ) || !text.endsWith('}')) return undefined;
  const seqEnd = text.indexOf(PREV, SEQ.length);
  if (seqEnd < 0) return undefined;
  const seqText = text.slice(SEQ.length, seqEnd);
  const prevStart = seqEnd + PREV.length;
  const hashStart = prevStart + 64 + HASH.length;
  const bodyStart = hashStart + 64 + BODY.length;
  const prevHash = text.slice(prevStart, prevStart + 64);
  const hash = text.slice(hashStart, hashStart + 64);
  if (
    !/^[1-9][0-9]*$/.test(seqText) ||
    !text.startsWith(HASH, prevStart + 64) ||
    !text.startsWith(BODY, hashStart + 64) ||
    !HEX64.test(prevHash) ||
    !HEX64.test(hash) ||
    bodyStart >= text.length - 1
  )
    return undefined;
  return { seq: Number(seqText), prevHash, hash, bodyText: text.slice(bodyStart, -1) };
}

/** The entry with its body parsed; throws when the body is not JSON. */
export function entryOf(stored: StoredEntry): LedgerEntry {
  return {
    seq: stored.seq,
    prevHash: stored.prevHash,
    hash: stored.hash,
    body: JSON.parse(stored.bodyText) as LedgerEntry['body'],
  };
}
