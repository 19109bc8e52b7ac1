import type { Job } from 'bullmq';
import type { JobDeps } from './job-deps.js';
import type { CheckJob } from './queues.js';

/** Pre-flight, backup and rehearsal jobs. */
export const runCheckJob = (deps: JobDeps, job: Job<CheckJob>) => deps.work.runCheck(job.data);
