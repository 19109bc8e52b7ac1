import type { Job } from 'bullmq';
import type { JobDeps } from './job-deps.js';
import type { CertifyJob, RampJob, RollbackJob } from './queues.js';

export const runRampJob = (deps: JobDeps, job: Job<RampJob>) => deps.work.runRamp(job.data);

export const runRollbackJob = (deps: JobDeps, job: Job<RollbackJob>) => deps.work.runRollback(job.data);

export const runCertifyJob = (deps: JobDeps, job: Job<CertifyJob>) => deps.work.certify(job.data.rolloutId);
