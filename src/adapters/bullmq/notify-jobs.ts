import { type Job, RateLimitError, type Worker } from 'bullmq';
import type { IncidentNotifier } from '../../app/ports/incident-notifier.js';
import type { RolloutDeliveries } from '../../app/ports/slack-deliveries.js';
import type { IncidentJob, NotifyJob } from './queues.js';

interface RateLimited {
  code?: string;
  retryAfter?: number;
}

/**
 * One Slack delivery. When Slack answers 429, the whole notify queue waits for its Retry-After and the
 * job goes back to wait, so no message is lost and none is sent early.
 */
export async function runNotifyJob(
  publisher: RolloutDeliveries,
  worker: () => Worker,
  job: Job<NotifyJob>,
): Promise<string> {
  return honourRateLimits(worker, async () => {
    const { data } = job;
    switch (data.kind) {
      case 'redraw':
        await publisher.redraw(data.phase);
        break;
      case 'thread':
        await publisher.postEntry(data.phase, data.rolloutId, data.seq);
        break;
      case 'card':
        await publisher.postCard(data.phase, data.card);
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
  job: Job<IncidentJob>,
): Promise<string> {
  return honourRateLimits(worker, async () => {
    const { data } = job;
    if (data.kind === 'page') await publisher.page(data.id);
    else if (data.kind === 'redraw') await publisher.redraw(data.id);
    else await publisher.followUp(data.id, data.text);
    return data.kind;
  });
}

async function honourRateLimits(worker: () => Worker, work: () => Promise<string>): Promise<string> {
  try {
    return await work();
  } catch (error) {
    const limited = error as RateLimited;
    if (limited.code === 'slack_webapi_rate_limited_error') {
      await worker().rateLimit((limited.retryAfter ?? 1) * 1_000);
      throw new RateLimitError();
    }
    throw error;
  }
}
