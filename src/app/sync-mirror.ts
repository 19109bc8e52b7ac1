import { MecError } from '../domain/errors.js';
import type { LedgerEntry } from '../domain/ledger-entry.js';
import { entryOf, parseStoredEntry } from '../domain/stored-entry.js';
import type { Ledger } from './ports/ledger.js';
import type { LedgerMirror } from './ports/ledger-mirror.js';

/** Entries rendered and appended to the mirror in one write. */
const CHUNK = 500;

/**
 * Brings the mirror up to entry `toSeq` (the ledger head by default), appending only what it lacks.
 * The caller holds the anchor lock, so appends never interleave; `signal` stops it when the lock is lost. A mirror that disagrees with the
 * ledger is left alone and reported: it may be the only copy of history Redis lost, so overwriting it
 * takes an explicit rebuild.
 */
export async function syncMirror(
  deps: { ledger: Ledger; mirror: LedgerMirror },
  toSeq?: number,
  signal?: AbortSignal,
): Promise<{ written: number }> {
  const { ledger, mirror } = deps;
  const last = toSeq ?? (await ledger.head()).seq;
  const held = await mirror.head();
  if (held) {
    const [entry] = await ledger.read(held.seq, held.seq);
    if (entry?.hash !== held.hash)
      throw new MecError(
        'mirror_mismatch',
        `${mirror.path} does not match the ledger at entry #${held.seq}; check it, then rebuild it with npm run mirror -- --rebuild`,
      );
  }
  let chunk: LedgerEntry[] = [];
  let written = 0;
  for await (const entry of parsed(ledger.stream((held?.seq ?? 0) + 1, last))) {
    chunk.push(entry);
    if (chunk.length === CHUNK) {
      // A holder that lost the anchor lock writes nothing more: another holds it now.
      signal?.throwIfAborted();
      await mirror.append(chunk);
      written += chunk.length;
      chunk = [];
    }
  }
  signal?.throwIfAborted();
  await mirror.append(chunk);
  return { written: written + chunk.length };
}

/** Rewrites the whole mirror from the ledger. */
export async function rebuildMirror(deps: {
  ledger: Ledger;
  mirror: LedgerMirror;
}): Promise<{ written: number }> {
  return { written: await deps.mirror.rebuild(parsed(deps.ledger.stream())) };
}

async function* parsed(texts: AsyncIterable<string>): AsyncIterable<LedgerEntry> {
  for await (const text of texts) {
    const stored = parseStoredEntry(text);
    if (!stored)
      throw new MecError(
        'mirror_mismatch',
        'a ledger entry in Redis is malformed; run npm run verify to see which',
      );
    yield entryOf(stored);
  }
}
