import type { Job } from 'bullmq';
import { errorCodeOf } from '../../domain/errors.js';
import type { JobDeps } from './job-deps.js';
import type { CertifyJob, RampJob, RollbackJob } from './queues.js';

export const runRampJob = (deps: JobDeps, job: Job<RampJob>) => deps.work.runRamp(job.data);

/**
 * A rollback attempt. One that fails is told to its incident (retried, or failed on its last attempt)
 * before the failure goes back to BullMQ, which retries it.
 */
export async function runRollbackJob(deps: JobDeps, job: Job<RollbackJob>): Promise<string> {
  try {
    return await deps.work.runRollback(job.data);
  } catch (error) {
    // attemptsMade counts the attempts that ended before this one.
    const retrying = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
    const failure = { rollbackId: job.data.rollbackId, code: errorCodeOf(error), retrying };
    await deps.work
      .rollbackFailed(failure)
      .catch((noting: Error) =>
        deps.logger.warn(
          { ...failure, err: noting.message },
          'the rollback failure could not be noted on its incident',
        ),
      );
    throw error;
  }
}

export const runCertifyJob = (deps: JobDeps, job: Job<CertifyJob>) => deps.work.certify(job.data.rolloutId);
