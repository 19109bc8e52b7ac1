import type { Job } from 'bullmq';
import { certify } from '../../app/certify.js';
import { runRamp } from '../../app/run-ramp.js';
import { runRollback } from '../../app/run-rollback.js';
import type { JobDeps } from './job-deps.js';
import type { CertifyJob, RampJob, RollbackJob } from './queues.js';

export const runRampJob = (deps: JobDeps, job: Job<RampJob>) => runRamp(deps.work, job.data);

export const runRollbackJob = (deps: JobDeps, job: Job<RollbackJob>) => runRollback(deps.work, job.data);

export const runCertifyJob = (deps: JobDeps, job: Job<CertifyJob>) => certify(deps.work, job.data.rolloutId);
