import { describe, expect, it } from 'vitest';
import { BullPageQueue, pagerJobId } from '../../../src/adapters/bullmq/bull-page-queue.js';
import { closeQueues, createQueues } from '../../../src/adapters/bullmq/queues.js';
import { useTestRedis } from '../../support/redis.js';
import { useTeardown } from '../../support/teardown.js';

const testRedis = useTestRedis();
const teardown = useTeardown();

function pagerQueue() {
  const redis = testRedis();
  const queues = createQueues(redis.connect({ maxRetriesPerRequest: null }), redis.prefix);
  teardown(() => closeQueues(queues));
  return { queue: queues.pager, pages: new BullPageQueue(queues.pager, 30 * 86_400_000) };
}

describe('BullPageQueue', () => {
  it('queues each action of an incident once, in order, naming only the incident and the action', async () => {
    const { queue, pages } = pagerQueue();
    for (const action of ['trigger', 'trigger', 'acknowledge', 'resolve', 'acknowledge'] as const)
      await pages.queue('0123456789abcdef', action);
    const waiting = await queue.getWaiting();
    // Listed in the order the worker takes them.
    expect(waiting.map((job) => [job.id, job.data])).toEqual([
      [pagerJobId('0123456789abcdef', 'trigger'), { id: '0123456789abcdef', action: 'trigger' }],
      [pagerJobId('0123456789abcdef', 'acknowledge'), { id: '0123456789abcdef', action: 'acknowledge' }],
      [pagerJobId('0123456789abcdef', 'resolve'), { id: '0123456789abcdef', action: 'resolve' }],
    ]);
  });

  it('makes the queue run one job at a time across every worker process', async () => {
    const { queue, pages } = pagerQueue();
    expect(await queue.getGlobalConcurrency()).toBeNull();
    await pages.queue('0123456789abcdef', 'trigger');
    expect(await queue.getGlobalConcurrency()).toBe(1);
  });

  it("keeps a done action for the incidents' retention, so an incident open for days is never triggered twice", async () => {
    const { queue, pages } = pagerQueue();
    await pages.queue('0123456789abcdef', 'trigger');
    const [job] = await queue.getWaiting();
    expect(job?.opts.removeOnComplete).toEqual({ age: 30 * 86_400 });
  });
});
