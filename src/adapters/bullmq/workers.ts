import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { IncidentNotifier } from '../../app/ports/incident-notifier.js';
import type { RolloutDeliveries } from '../../app/ports/slack-deliveries.js';
import { errorCodeOf } from '../../domain/errors.js';
import { withCorrelation } from '../../infra/correlation.js';
import { logRepeatedErrors } from '../../infra/log-redis-outages.js';
import { runAlertsJob } from './alert-jobs.js';
import { runCheckJob } from './check-jobs.js';
import { takeCorrelation } from './job-correlation.js';
import type { JobDeps } from './job-deps.js';
import { runIncidentJob, runNotifyJob } from './notify-jobs.js';
import { type PagerRetry, pagerJobHandler, type SendPage } from './pager-jobs.js';
import { bullPrefix, CLEARANCE_JOB, COUNTDOWN_JOB, QUEUE_NAMES } from './queues.js';
import { earlierReplyPending } from './thread-order.js';
import { runCertifyJob, runRampJob, runRollbackJob } from './traffic-jobs.js';
import { runClearanceJob, runCountdownJob, runWatchJob } from './watch-jobs.js';

export interface Workers {
  /** Whether every worker is connected and running, for /readyz. */
  running(): boolean;
  /**
   * Stops taking jobs and waits for the ones in flight; `force` does not wait, leaving them to be taken
   * up again once their lock lapses, as when the process dies.
   */
  close(force?: boolean): Promise<void>;
}

/**
 * One worker per queue. A worker that dies mid-job loses its lock after `lockDuration`; another worker
 * then takes the job up again, and the handlers are written so that a second run changes nothing twice.
 */
export function startWorkers(
  deps: JobDeps,
  connection: Redis,
  publisher: RolloutDeliveries | undefined,
  incidentPublisher?: IncidentNotifier,
  pager?: { send: SendPage; retry?: PagerRetry },
): Workers {
  const common = {
    connection,
    prefix: bullPrefix(deps.prefix),
    lockDuration: deps.jobs.lockDuration,
    stalledInterval: Math.max(500, Math.floor(deps.jobs.lockDuration / 2)),
  };
  // The correlation id each job ran under, for the lines logged once it finished or failed.
  const cids = new WeakMap<Job, string>();
  const onFailure = (name: string) => (job: Job | undefined, error: Error) =>
    deps.logger.warn(
      {
        queue: name,
        jobId: job?.id,
        cid: job && cids.get(job),
        attempt: job?.attemptsMade,
        code: errorCodeOf(error),
        err: error.message,
      },
      'job failed; it will be retried',
    );
  const workers: Worker[] = [];
  const add = (
    name: string,
    processor: (job: Job, token?: string) => Promise<string>,
    options: { concurrency?: number; limiter?: { max: number; duration: number } } = {},
  ) => {
    // Each job runs under the correlation id of the request that caused it, so its lines, the jobs it
    // adds and its Slack calls carry that id.
    const correlated = (job: Job, token?: string) => {
      const cid = takeCorrelation(job, name);
      cids.set(job, cid);
      return withCorrelation(cid, () => processor(job, token));
    };
    const worker = new Worker(name, correlated, { ...common, ...options });
    worker.on('failed', onFailure(name));
    worker.on('failed', () => deps.metrics.jobFailed(name));
    worker.on('completed', (job, result) => {
      if (job.processedOn && job.finishedOn)
        deps.metrics.jobFinished(name, (job.finishedOn - job.processedOn) / 1_000);
      // At debug: what a job did that matters is logged by the transition or call it made, at info.
      deps.logger.debug({ queue: name, jobId: job.id, cid: cids.get(job), result }, 'job done');
    });
    logRepeatedErrors(worker, deps.logger, { queue: name }, 'worker error');
    workers.push(worker);
    return worker;
  };
  add(QUEUE_NAMES.preflight, (job) => runCheckJob(deps, job));
  add(QUEUE_NAMES.backup, (job) => runCheckJob(deps, job));
  add(QUEUE_NAMES.smoke, (job) => runWatchJob(deps, 'smoke', job), { concurrency: 4 });
  add(
    QUEUE_NAMES.soak,
    (job) =>
      job.name === CLEARANCE_JOB
        ? runClearanceJob(deps, job)
        : job.name === COUNTDOWN_JOB
          ? runCountdownJob(deps, job)
          : runWatchJob(deps, 'soak', job),
    { concurrency: 4 },
  );
  add(QUEUE_NAMES.ramp, (job) => (job.name === 'certify' ? runCertifyJob(deps, job) : runRampJob(deps, job)));
  add(QUEUE_NAMES.review, async () => {
    const review = await deps.work.postReview();
    return `${review.warnings.length} warnings, ${review.rollbacks.length} rollbacks`;
  });
  add(QUEUE_NAMES.rollback, (job) => runRollbackJob(deps, job), { concurrency: 4 });
  // Many at once: in a storm the batches of one alarm fold into its incident together, in one commit.
  add(QUEUE_NAMES.alerts, (job) => runAlertsJob(deps, job), { concurrency: 16 });
  // Neither Slack queue is rate limited as a whole: the messenger paces the posts to each channel, and
  // a post whose channel's turn is taken waits as a delayed job, so nothing else waits behind it.
  if (incidentPublisher) {
    const incident: Worker = add(QUEUE_NAMES.incident, (job, token) =>
      runIncidentJob(incidentPublisher, () => incident, job, token),
    );
  }
  // One job at a time (the queue's global concurrency is 1 as well), so the pager gets each
  // incident's actions in the order they were queued. The limiter (a pace PagerDuty takes) is what
  // makes a wait one worker sets hold every worker: BullMQ honours the queue's rate-limit key only in
  // workers that have one.
  if (pager) {
    const pagerWorker: Worker = add(
      QUEUE_NAMES.pager,
      pagerJobHandler(pager.send, () => pagerWorker, deps.logger, pager.retry),
      { concurrency: 1, limiter: { max: 2, duration: 1_000 } },
    );
  }
  if (publisher) {
    const notify: Worker = add(QUEUE_NAMES.notify, (job, token) =>
      runNotifyJob(publisher, () => notify, job, { earlierPending: earlierReplyPending(notify), token }),
    );
  }
  return {
    running: () => workers.every((worker) => worker.isRunning()),
    close: async (force = false) => {
      await Promise.all(workers.map((worker) => worker.close(force)));
    },
  };
}
