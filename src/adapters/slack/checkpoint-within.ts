import type { LedgerCheckpoints } from '../../app/ports/ledger-checkpoints.js';
import type { Checkpoint } from '../../domain/checkpoint-note.js';

/**
 * The checkpoint that covers entry `seq` (without one, the newest), or undefined when none comes within
 * `waitMs` ms: a post that names it is held back that long at most. A failure to read one is passed on.
 */
export async function checkpointWithin(
  checkpoints: LedgerCheckpoints,
  seq: number | undefined,
  waitMs: number,
): Promise<Checkpoint | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, waitMs, undefined);
  });
  try {
    return await Promise.race([checkpoints.latest(seq), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}
