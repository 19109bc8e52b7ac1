import { type Job, RateLimitError, type Worker } from 'bullmq';
import type { SlackRolloutPublisher } from '../slack/slack-rollout-publisher.js';
import type { NotifyJob } from './queues.js';

interface RateLimited {
  code?: string;
  retryAfter?: number;
}

/**
 * One Slack delivery. When Slack answers 429, the whole notify queue waits for its Retry-After and the
 * job goes back to wait, so no message is lost and none is sent early.
 */
export async function runNotifyJob(
  publisher: SlackRolloutPublisher,
  worker: () => Worker,
  job: Job<NotifyJob>,
): Promise<string> {
  try {
    const { data } = job;
    switch (data.kind) {
      case 'redraw':
        await publisher.redraw(data.phase);
        break;
      case 'thread':
        await publisher.postThread(data.phase, data.rolloutId, data.text);
        break;
      case 'card':
        await publisher.postCard(data.phase, data.card);
        break;
      case 'homes':
        await publisher.refreshHomes(data.phase);
        break;
    }
    return data.kind;
  } catch (error) {
    const limited = error as RateLimited;
    if (limited.code === 'slack_webapi_rate_limited_error') {
      await worker().rateLimit((limited.retryAfter ?? 1) * 1_000);
      throw new RateLimitError();
    }
    throw error;
  }
}
