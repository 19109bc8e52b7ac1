import type { Job } from 'bullmq';
import { runCheck } from '../../app/run-check.js';
import type { JobDeps } from './job-deps.js';
import type { CheckJob } from './queues.js';

/** Pre-flight, backup and rehearsal jobs. */
export const runCheckJob = (deps: JobDeps, job: Job<CheckJob>) => runCheck(deps.work, job.data);
