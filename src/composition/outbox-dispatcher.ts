import { deliverPending } from '../app/deliver-pending.js';
import type { RolloutContext } from '../app/rollout-context.js';
import { errorCodeOf } from '../domain/errors.js';
import type { OutageLogger } from '../infra/log-redis-outages.js';
import { startTimerLoop, type TimerLoop } from './timer-loop.js';

/** The outbox's re-delivery: `started` once the delivery at start has run. */
export type OutboxDispatcher = TimerLoop;

/**
 * Delivers the outbox at start and then every `intervalMs`, one round at a time. Web and worker
 * processes all run one: delivering twice adds nothing, and whichever process is alive delivers.
 */
export function startOutboxDispatcher(
  ctx: RolloutContext,
  intervalMs: number,
  logger: Pick<OutageLogger, 'info' | 'warn'>,
): OutboxDispatcher {
  return startTimerLoop(
    async () => {
      try {
        const { delivered, pending } = await deliverPending(ctx);
        if (delivered > 0 || pending > 0) logger.info({ delivered, pending }, 'outbox delivered');
      } catch (error) {
        // Reading the outbox failed (Redis is down): the next round tries again.
        logger.warn({ err: error, code: errorCodeOf(error) }, 'reading the outbox failed');
      }
    },
    () => intervalMs,
  );
}
