import type { LedgerAnchor } from '../app/anchor-ledger.js';
import type { Ledger } from '../app/ports/ledger.js';
import { errorCodeOf } from '../domain/errors.js';
import type { Logger } from '../infra/logger.js';
import { startTimerLoop, type TimerLoop } from './timer-loop.js';

/** How often each process looks for ledger entries no checkpoint covers yet, in milliseconds. */
const ANCHOR_POLL_MS = 200;

/** Longest wait between two rounds while signing keeps failing, in milliseconds. */
const BACKOFF_MAX_MS = 30_000;

/**
 * Anchors at start, then whenever the ledger head has passed the newest checkpoint: entries any
 * process committed (one that died before anchoring included) are checkpointed within a poll. While
 * signing fails (a rewritten ledger, a full disk) rounds back off up to 30 s, and the failure is logged
 * when it first appears and when it changes, not on every round.
 */
export function startLedgerAnchoring(
  anchor: Pick<LedgerAnchor, 'anchor' | 'latest'>,
  ledger: Pick<Ledger, 'head'>,
  logger: Pick<Logger, 'info' | 'error'>,
  intervalMs = ANCHOR_POLL_MS,
): TimerLoop {
  let failing: string | undefined;
  let failures = 0;
  const round = async () => {
    try {
      const { seq } = await ledger.head();
      if (seq > ((await anchor.latest())?.size ?? 0)) await anchor.anchor();
      if (failing !== undefined) logger.info('ledger checkpoints are signed again');
      failing = undefined;
      failures = 0;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== failing)
        logger.error({ err: error, code: errorCodeOf(error) }, 'signing a ledger checkpoint failed');
      failing = message;
      failures += 1;
    }
  };
  return startTimerLoop(round, () => Math.min(BACKOFF_MAX_MS, intervalMs * 2 ** failures));
}
