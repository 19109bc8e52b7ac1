import { DelayedError, type Job, RateLimitError, type Worker } from 'bullmq';
import type { IncidentNotifier } from '../../app/ports/incident-notifier.js';
import type { RolloutDeliveries } from '../../app/ports/slack-deliveries.js';
import { errorCodeOf } from '../../domain/errors.js';
import { type Attempt, newAttempt, runAttempt } from '../../infra/job-attempt.js';
import { isSlackSideFailure } from '../../infra/slack-side-failure.js';
import type { IncidentJob, NotifyJob } from './queues.js';
import { type EarlierReplyPending, ORDER_RECHECK_MS } from './thread-order.js';

/** Keeps thread replies in ledger order: the check, and the worker's token to delay the job with. */
export interface ReplyOrder {
  earlierPending: EarlierReplyPending;
  token: string | undefined;
}

/**
 * What a notify or incident job's data carries besides its delivery: the number of attempts so far that
 * are known to have posted nothing (each was delayed before it posted), so the next is no retry.
 */
interface AttemptMarks {
  unpostedAttempts?: number;
}

/**
 * How much later than its channel's turn a thread note or review comes back, so that a card waiting
 * for the same turn takes it first: the approval card is what people are waiting for, in milliseconds.
 */
const CARD_FIRST_MS = 50;

interface SlackFailure {
  code?: string;
  retryAfter?: number;
}

/** The longest a queue waits for Slack to come back before it tries again, in milliseconds. */
const OUTAGE_WAIT_MAX_MS = 15_000;

/** Slack calls that failed in a row because Slack was down, per worker. */
const outages = new WeakMap<Worker, number>();

/**
 * One Slack delivery. When Slack answers 429, the whole notify queue waits for its Retry-After and the
 * job goes back to wait, so no message is lost and none is sent early. When Slack is down, the queue
 * waits the same way, longer each time up to 15 s, so an outage of any length uses up no attempts.
 */
export async function runNotifyJob(
  publisher: RolloutDeliveries,
  worker: () => Worker,
  job: Job<NotifyJob & AttemptMarks>,
  order?: ReplyOrder,
): Promise<string> {
  const token = order?.token;
  const laterMs = job.data.kind === 'card' ? 0 : CARD_FIRST_MS;
  return honourRateLimits(worker, job, token, laterMs, async (attempt) => {
    const { data } = job;
    switch (data.kind) {
      case 'redraw':
        await publisher.drawRollout(data.phase);
        break;
      case 'thread':
        // An earlier reply still to be posted (retried, or running in another worker) goes first.
        if (order && (await order.earlierPending(data.rolloutId, data.seq))) {
          await delay(job, attempt, ORDER_RECHECK_MS, token);
        }
        await publisher.postEntry(data.phase, data.rolloutId, data.seq);
        break;
      case 'card':
        // The job's id is fixed across its retries, unlike the state version read when it runs.
        await publisher.postCard(data.phase, data.card, job.id);
        break;
      case 'homes':
        await publisher.refreshHomes(data.phase);
        break;
      case 'review':
        await publisher.postReview(data.phase, data.review);
        break;
    }
    return data.kind;
  });
}

/** One incident-channel delivery: the page, a redraw, or a follow-up in the notice's thread. */
export async function runIncidentJob(
  publisher: IncidentNotifier,
  worker: () => Worker,
  job: Job<IncidentJob & AttemptMarks>,
  token?: string,
): Promise<string> {
  return honourRateLimits(worker, job, token, 0, async () => {
    const { data } = job;
    if (data.kind === 'page') await publisher.page(data.id);
    else if (data.kind === 'redraw') await publisher.redraw(data.id);
    else await publisher.followUp(data.id, data.text);
    return data.kind;
  });
}

/**
 * Whether an earlier attempt may have posted: one that failed, was rate limited or whose process died.
 * Attempts that were delayed before they posted (for a thread's order, or their channel's turn) count
 * as not started.
 */
const mayHavePosted = (job: Job<AttemptMarks>) =>
  job.attemptsStarted > 1 && job.data.unpostedAttempts !== job.attemptsStarted - 1;

/** Puts the job back for `waitMs`, noting first that this attempt posted nothing if so. */
async function delay(
  job: Job<AttemptMarks>,
  attempt: Attempt,
  waitMs: number,
  token: string | undefined,
): Promise<never> {
  if (!attempt.retry && !attempt.posted)
    await job.updateData({ ...job.data, unpostedAttempts: job.attemptsStarted });
  await job.moveToDelayed(Date.now() + waitMs, token);
  throw new DelayedError();
}

async function honourRateLimits(
  worker: () => Worker,
  job: Job<AttemptMarks>,
  token: string | undefined,
  laterMs: number,
  work: (attempt: Attempt) => Promise<string>,
): Promise<string> {
  const attempt = newAttempt(mayHavePosted(job));
  try {
    const done = await runAttempt(attempt, () => work(attempt));
    outages.delete(worker());
    return done;
  } catch (error) {
    // Its channel's turn was taken: this job waits for it, and the queue goes on with the others.
    if (attempt.pacedMs !== undefined && errorCodeOf(error) === 'slack_post_paced')
      return delay(job, attempt, attempt.pacedMs + laterMs, token);
    const failure = error as SlackFailure;
    if (failure.code === 'slack_webapi_rate_limited_error') {
      await worker().rateLimit((failure.retryAfter ?? 1) * 1_000);
      throw new RateLimitError();
    }
    // Slack unreachable or failing on its side: the job goes back to the head of the queue, which
    // waits, so no later message overtakes it.
    if (isSlackSideFailure(failure)) {
      const failures = (outages.get(worker()) ?? 0) + 1;
      outages.set(worker(), failures);
      await worker().rateLimit(Math.min(OUTAGE_WAIT_MAX_MS, 500 * 2 ** (failures - 1)));
      throw new RateLimitError();
    }
    throw error;
  }
}
