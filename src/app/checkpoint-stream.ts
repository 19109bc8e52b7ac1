import {
  type Checkpoint,
  type NoteVerifier,
  parseCheckpoint,
  parseNote,
  verifyNote,
} from '../domain/checkpoint-note.js';

/** What reading the stored checkpoints found, besides the good ones. */
export interface CheckpointTally {
  /** Notes whose signature by the ledger key verified, in file order. */
  signed: number;
  /** The first note that is not a valid checkpoint signed by the ledger key, described. */
  badSignature?: string;
  /** The first checkpoint whose size does not grow on the one before it. */
  outOfOrder?: string;
  /** A note a crash left half written at the end of the file. */
  torn: boolean;
}

/**
 * The checkpoints verify can trust, in file order, read one at a time: each must parse, be signed by
 * the ledger key under the ledger's origin, and cover more entries than the one before. The rest are
 * counted in `tally`, never trusted.
 */
export async function* trustedCheckpoints(
  notes: AsyncIterable<{ note: string } | { torn: string }>,
  verifier: NoteVerifier | undefined,
  origin: string,
  tally: CheckpointTally,
): AsyncIterable<Checkpoint> {
  let number = 0;
  let lastSize = 0;
  for await (const item of notes) {
    number += 1;
    if ('torn' in item) {
      tally.torn = true;
      continue;
    }
    let checkpoint: Checkpoint;
    try {
      const note = parseNote(item.note);
      checkpoint = parseCheckpoint(note.text);
      if (!verifier || !verifyNote(note, verifier)) {
        tally.badSignature ??= `note ${number} (size ${checkpoint.size}) is not signed by ${verifier ? `${verifier.name}+${verifier.keyId}` : 'a known key: set ledger.publicKey'}`;
        continue;
      }
      if (checkpoint.origin !== origin) {
        tally.badSignature ??= `note ${number} is for origin ${checkpoint.origin}, not ${origin}`;
        continue;
      }
    } catch (error) {
      tally.badSignature ??= `note ${number} is not a checkpoint (${(error as Error).message})`;
      continue;
    }
    tally.signed += 1;
    if (checkpoint.size <= lastSize) {
      tally.outOfOrder ??= `note ${number} covers ${checkpoint.size} entries, after one that covered ${lastSize}`;
      continue;
    }
    lastSize = checkpoint.size;
    yield checkpoint;
  }
}
