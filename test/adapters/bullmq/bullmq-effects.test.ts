import { UnrecoverableError, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { BullEffects } from '../../../src/adapters/bullmq/bullmq-effects.js';
import { bullPrefix, closeQueues, createQueues, QUEUE_NAMES } from '../../../src/adapters/bullmq/queues.js';
import type { RolloutState } from '../../../src/domain/rollout-state.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('a rollback that finally failed', () => {
  it('is run again when the same rollback is reissued', async () => {
    const { prefix, connect } = testRedis();
    const queues = createQueues(connect({ maxRetriesPerRequest: null }), prefix);
    const effects = new BullEffects(queues, () => new Date(), 30_000);
    const state = { rolloutId: 'M6-r1' } as RolloutState;
    const rollBack = { kind: 'roll_back', fromPct: 25, reason: 'BLOCKER', rollbackId: 'M6-r1.rb1' } as const;

    let runs = 0;
    const worker = new Worker(
      QUEUE_NAMES.rollback,
      async () => {
        runs += 1;
        // The first run fails for good, past all retries; the reissued one succeeds.
        if (runs === 1) throw new UnrecoverableError('the traffic router refused');
      },
      { connection: connect({ maxRetriesPerRequest: null }), prefix: bullPrefix(prefix) },
    );
    try {
      await effects.run('M6', state, [rollBack]);
      await expect.poll(() => runs, { timeout: 10_000 }).toBe(1);
      await expect.poll(() => queues.rollback.getFailedCount(), { timeout: 10_000 }).toBe(0);

      await effects.run('M6', state, [rollBack]);
      await expect.poll(() => runs, { timeout: 10_000 }).toBe(2);
      await expect.poll(() => queues.rollback.getCompletedCount(), { timeout: 10_000 }).toBe(1);
    } finally {
      await worker.close();
      await closeQueues(queues);
    }
  });
});
