import type { Job } from 'bullmq';
import { BullEffects } from '../../../src/adapters/bullmq/bullmq-effects.js';
import { closeQueues, createQueues } from '../../../src/adapters/bullmq/queues.js';
import type { CheckName } from '../../../src/domain/rollout-state.js';
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
      return jobs.flat().map(unitOf);
    },
  };
});
