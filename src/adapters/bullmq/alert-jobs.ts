import type { Job } from 'bullmq';
import type { JobDeps } from './job-deps.js';
import type { AlertsJob } from './queues.js';

/**
 * Acts on one queued alert batch. Its claims are the job's own, so a retry after its worker died takes
 * them up again; a failure has given back what it did not act on, and BullMQ retries the rest.
 */
export async function runAlertsJob(deps: JobDeps, job: Job<AlertsJob>): Promise<string> {
  return deps.work.receiveAlerts(job.data.batch, job.id ?? job.name);
}
