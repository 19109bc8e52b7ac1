import { type Job, RateLimitError, type Worker } from 'bullmq';
import { errorCodeOf } from '../../domain/errors.js';
import type { PageAction } from '../../domain/page-action.js';
import type { Logger } from '../../infra/logger.js';
import type { PagerJob } from './queues.js';

/** How long the pager queue waits for the pager after a failure, doubling from `baseMs` up to `maxMs`. */
export interface PagerRetry {
  /** Default 1 000. */
  baseMs: number;
  /** Default 60 000: PagerDuty asks for retries some time apart, and a page should not wait longer. */
  maxMs: number;
}

const PAGER_RETRY: PagerRetry = { baseMs: 1_000, maxMs: 60_000 };

/** Sends one action of one incident; what was done, for the log. */
export type SendPage = (incidentId: string, action: PageAction) => Promise<string>;

/**
 * The pager queue's handler. When the pager is rate limited, down or failing on its side, the whole
 * queue waits (longer each time) and the job goes back to its head: no attempt is used up, so an
 * outage of any length loses nothing, and nothing queued after it goes first. A refusal is final and
 * logged as an error: the same body would be refused again.
 */
export function pagerJobHandler(
  send: SendPage,
  worker: () => Worker,
  logger: Logger,
  retry: PagerRetry = PAGER_RETRY,
): (job: Job<PagerJob>) => Promise<string> {
  let failures = 0;
  return async (job) => {
    const { id, action } = job.data;
    try {
      const done = await send(id, action);
      failures = 0;
      return `${action} ${done}`;
    } catch (error) {
      const code = errorCodeOf(error);
      const message = error instanceof Error ? error.message : String(error);
      // Sending the same body again would be refused again: the job is done, and the refusal logged.
      if (code === 'pager_refused') {
        logger.error(
          { jobId: job.id, code, err: message },
          'the pager refused the event; it is not sent again',
        );
        return `${action} refused`;
      }
      // Rate limited, down or failing, or anything else (Redis failing under the incident's load, say):
      // the queue waits the same way. A retry with backoff would move the job aside, and the next action
      // of the incident would overtake it.
      failures += 1;
      const waitMs = Math.min(retry.maxMs, retry.baseMs * 2 ** (failures - 1));
      logger.warn(
        { jobId: job.id, code, err: message, waitMs },
        'the pager did not take the event; it waits',
      );
      await worker().rateLimit(waitMs);
      throw new RateLimitError();
    }
  };
}
