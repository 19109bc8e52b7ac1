import type { Job } from 'bullmq';
import { UnrecoverableError, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { BullEffects } from '../../../src/adapters/bullmq/bullmq-effects.js';
import {
  bullPrefix,
  COUNTDOWN_JOB,
  closeQueues,
  createQueues,
  QUEUE_NAMES,
} from '../../../src/adapters/bullmq/queues.js';
import { NO_COUNTS } from '../../../src/domain/alarm-watch.js';
import type { CheckName, RolloutState } from '../../../src/domain/rollout-state.js';
import { describeEffectRunnerContract, type UnitOfWork } from '../../app/ports/effect-runner.contract.js';
import { T0 } from '../../domain/fixtures.js';
import { useTestRedis } from '../../support/redis.js';
import { useTeardown } from '../../support/teardown.js';

const testRedis = useTestRedis();
const teardown = useTeardown();

const KIND_OF_JOB: Record<string, UnitOfWork['kind']> = {
  ramp: 'set_traffic',
  soak: 'end_soak_at',
  rollback: 'roll_back',
  certify: 'certify',
};

/** A job as the unit of work it is: BullMQ's top priority, 1, is what marks it to go first. */
function unitOf(job: Job): UnitOfWork {
  const data = job.data as Record<string, string>;
  const kind = KIND_OF_JOB[job.name] ?? 'run_check';
  const attemptId = data.runId ?? data.watchId ?? data.rampId ?? data.rollbackId ?? data.rolloutId;
  return {
    kind,
    ...(kind === 'run_check' ? { check: job.name as CheckName } : {}),
    rolloutId: String(data.rolloutId),
    attemptId: String(attemptId),
    first: job.opts.priority === 1,
  };
}

describeEffectRunnerContract('bullmq', () => {
  const { prefix, connect } = testRedis();
  const queues = createQueues(connect({ maxRetriesPerRequest: null }), prefix);
  teardown(() => closeQueues(queues));
  return {
    runner: new BullEffects(queues, () => T0, 30_000),
    work: async () => {
      const jobs = await Promise.all(Object.values(queues).map((queue) => queue.getJobs()));
      // A soak's countdown redraws its message; it is no unit of the effect's work.
      return jobs
        .flat()
        .filter((job) => job.name !== COUNTDOWN_JOB)
        .map(unitOf);
    },
  };
});

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

describe('BullEffects', () => {
  const NOW = new Date('2025-10-21T13:00:00.000Z');
  const state = { rolloutId: 'M6-r1' } as RolloutState;

  async function effectsOnQueues() {
    const { prefix, connect } = testRedis();
    const queues = createQueues(connect({ maxRetriesPerRequest: null }), prefix);
    return { queues, effects: new BullEffects(queues, () => NOW, 30_000) };
  }

  it('derives each job id from the attempt, so the same effect asked for twice is one job', async () => {
    const { queues, effects } = await effectsOnQueues();
    try {
      const effect = { kind: 'set_traffic' as const, weightPct: 5, rampId: 'M6-r1.999' };
      await effects.run('M6', state, [effect]);
      await effects.run('M6', state, [effect]);
      const jobs = await queues.ramp.getJobs(['waiting', 'prioritized', 'delayed']);
      expect(jobs.map((job) => [job.id, job.data])).toEqual([
        ['ramp-M6-r1.999', { phase: 'M6', rolloutId: 'M6-r1', rampId: 'M6-r1.999', weightPct: 5 }],
      ]);
    } finally {
      await closeQueues(queues);
    }
  });

  it('sends each check to its own queue, the smoke as the first tick of its watch', async () => {
    const { queues, effects } = await effectsOnQueues();
    try {
      await effects.run('M6', state, [
        { kind: 'run_check', check: 'preflight', runId: 'M6-r1.1' },
        { kind: 'run_check', check: 'backup', runId: 'M6-r1.2' },
        { kind: 'run_check', check: 'rehearsal', runId: 'M6-r1.3' },
        { kind: 'run_check', check: 'smoke', runId: 'M6-r1.4' },
      ]);
      expect((await queues.preflight.getJob('preflight-M6-r1.1'))?.data).toEqual({
        phase: 'M6',
        rolloutId: 'M6-r1',
        check: 'preflight',
        runId: 'M6-r1.1',
      });
      expect((await queues.backup.getJob('backup-M6-r1.2'))?.data).toMatchObject({ check: 'backup' });
      expect((await queues.backup.getJob('rehearsal-M6-r1.3'))?.data).toMatchObject({ check: 'rehearsal' });
      expect((await queues.smoke.getJob('smoke-M6-r1.4-0'))?.data).toEqual({
        phase: 'M6',
        rolloutId: 'M6-r1',
        watchId: 'M6-r1.4',
        tick: 0,
        counters: NO_COUNTS,
        samples: [],
      });
    } finally {
      await closeQueues(queues);
    }
  });

  it('starts watching a soak after one evaluation interval, or at its end when that comes sooner', async () => {
    const { queues, effects } = await effectsOnQueues();
    try {
      const inMs = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
      await effects.run('M6', state, [
        { kind: 'end_soak_at', soakId: 'M6-r1.5', endsAt: inMs(15 * 60_000) },
        { kind: 'end_soak_at', soakId: 'M6-r1.6', endsAt: inMs(10_000) },
      ]);
      const long = await queues.soak.getJob('soak-M6-r1.5-0');
      const short = await queues.soak.getJob('soak-M6-r1.6-0');
      expect([long?.opts.delay, short?.opts.delay]).toEqual([30_000, 10_000]);
      expect(long?.data).toMatchObject({ watchId: 'M6-r1.5', tick: 0, counters: NO_COUNTS });
    } finally {
      await closeQueues(queues);
    }
  });

  it('redraws a soak’s countdown a countdown interval after it starts, never later than a minute', async () => {
    const { prefix, connect } = testRedis();
    const queues = createQueues(connect({ maxRetriesPerRequest: null }), prefix);
    try {
      const inMs = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
      await new BullEffects(queues, () => NOW, 30_000, 20_000).run('M6', state, [
        { kind: 'end_soak_at', soakId: 'M6-r1.5', endsAt: inMs(15 * 60_000) },
        { kind: 'end_soak_at', soakId: 'M6-r1.6', endsAt: inMs(5_000) },
      ]);
      await new BullEffects(queues, () => NOW, 30_000, 5 * 60_000).run('M6', state, [
        { kind: 'end_soak_at', soakId: 'M6-r1.7', endsAt: inMs(15 * 60_000) },
      ]);
      const delays = await Promise.all(
        ['M6-r1.5', 'M6-r1.6', 'M6-r1.7'].map(async (soakId) => {
          const job = await queues.soak.getJob(`countdown-${soakId}-0`);
          expect(job?.name).toBe(COUNTDOWN_JOB);
          expect(job?.data).toEqual({ phase: 'M6', rolloutId: state.rolloutId, soakId, tick: 0 });
          return job?.opts.delay;
        }),
      );
      expect(delays).toEqual([20_000, 5_000, 60_000]);
    } finally {
      await closeQueues(queues);
    }
  });

  it('puts a rollback before anything else waiting, and a certify on the traffic queue', async () => {
    const { queues, effects } = await effectsOnQueues();
    try {
      await effects.run('M6', state, [
        { kind: 'roll_back', fromPct: 25, reason: 'BLOCKER latency', rollbackId: 'M6-r1.7' },
        { kind: 'certify' },
      ]);
      const rollback = await queues.rollback.getJob('rollback-M6-r1.7');
      expect(rollback?.opts.priority).toBe(1);
      expect(rollback?.data).toEqual({
        phase: 'M6',
        rolloutId: 'M6-r1',
        rollbackId: 'M6-r1.7',
        fromPct: 25,
        reason: 'BLOCKER latency',
      });
      const certify = await queues.ramp.getJob('certify-M6-r1');
      expect([certify?.name, certify?.data]).toEqual(['certify', { phase: 'M6', rolloutId: 'M6-r1' }]);
    } finally {
      await closeQueues(queues);
    }
  });
});
