import { describe, expect, it } from 'vitest';
import {
  bullPrefix,
  closeQueues,
  createQueues,
  QUEUE_NAMES,
  scheduleWeeklyReview,
} from '../../../src/adapters/bullmq/queues.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('the queues', () => {
  it("are one per kind of work, each under the deployment's prefix", async () => {
    const { prefix, connect } = testRedis();
    const redis = connect({ maxRetriesPerRequest: null });
    const queues = createQueues(redis, prefix);
    try {
      expect(Object.fromEntries(Object.entries(queues).map(([kind, queue]) => [kind, queue.name]))).toEqual(
        QUEUE_NAMES,
      );
      for (const queue of Object.values(queues)) expect(queue.opts.prefix).toBe(bullPrefix(prefix));
      await queues.ramp.add('ramp', { phase: 'M6' });
      // Other tests share the server, each under its own prefix: only this one's keys are looked at.
      expect(await redis.keys(`${bullPrefix(prefix)}:mec-ramp:*`)).not.toEqual([]);
    } finally {
      await closeQueues(queues);
    }
  });

  it('hold one weekly-review scheduler, moved when the cron or time zone changes', async () => {
    const { prefix, connect } = testRedis();
    const queues = createQueues(connect({ maxRetriesPerRequest: null }), prefix);
    try {
      await scheduleWeeklyReview(queues, 'M6', '0 9 * * 1', 'UTC');
      await scheduleWeeklyReview(queues, 'M6', '0 9 * * 1', 'UTC');
      await scheduleWeeklyReview(queues, 'M6', '30 8 * * 1', 'Europe/Berlin');
      const schedulers = await queues.review.getJobSchedulers();
      expect(schedulers.map((scheduler) => [scheduler.key, scheduler.pattern, scheduler.tz])).toEqual([
        ['weekly-review', '30 8 * * 1', 'Europe/Berlin'],
      ]);
    } finally {
      await closeQueues(queues);
    }
  });
});
