import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { bullPrefix, closeQueues, createQueues, QUEUE_NAMES } from '../../../src/adapters/bullmq/queues.js';
import {
  earlierReplyPending,
  noteThreadReply,
  threadJobId,
} from '../../../src/adapters/bullmq/thread-order.js';
import { useTestRedis } from '../../support/redis.js';
import { useTeardown } from '../../support/teardown.js';

const testRedis = useTestRedis();
const teardown = useTeardown();
const R1 = 'M6-r1';
const R2 = 'M6-r2';

/** The notify queue, and a worker on it that never takes a job, for its view of the queue. */
function notifyQueue() {
  const redis = testRedis();
  const queues = createQueues(redis.connect({ maxRetriesPerRequest: null }), redis.prefix);
  const worker = new Worker(QUEUE_NAMES.notify, null, {
    connection: redis.connect({ maxRetriesPerRequest: null }),
    prefix: bullPrefix(redis.prefix),
    autorun: false,
  });
  teardown(async () => {
    await worker.close();
    await closeQueues(queues);
  });
  return { queue: queues.notify, pending: earlierReplyPending(worker) };
}

describe('the order of thread replies', () => {
  it('holds a reply back while an earlier one of its rollout is queued, and only then', async () => {
    const { queue, pending } = notifyQueue();
    for (const seq of [3, 5]) {
      // Noted a while ago: only the jobs' states count, not the grace for a job still being added.
      await noteThreadReply(queue, R1, seq, Date.now() - 60_000);
      await queue.add('thread', { seq }, { jobId: threadJobId(seq) });
    }
    expect(await pending(R1, 3)).toBe(false);
    expect(await pending(R1, 5)).toBe(true);
    // Another rollout's thread is its own.
    expect(await pending(R2, 5)).toBe(false);
    await (await queue.getJob(threadJobId(3)))?.remove();
    expect(await pending(R1, 5)).toBe(false);
  });

  it('holds later replies back while an earlier one is noted and its job is still being added', async () => {
    const { queue, pending } = notifyQueue();
    await noteThreadReply(queue, R1, 4);
    expect(await pending(R1, 9)).toBe(true);
    await queue.add('thread', { seq: 4 }, { jobId: threadJobId(4) });
    expect(await pending(R1, 9)).toBe(true);
  });

  it('forgets a reply that was noted but whose job was never added, so it holds nothing back', async () => {
    const { queue, pending } = notifyQueue();
    await noteThreadReply(queue, R1, 4, Date.now() - 31_000);
    expect(await pending(R1, 9)).toBe(false);
    await queue.add('thread', { seq: 7 }, { jobId: threadJobId(7) });
    await noteThreadReply(queue, R1, 7);
    expect(await pending(R1, 9)).toBe(true);
  });
});
