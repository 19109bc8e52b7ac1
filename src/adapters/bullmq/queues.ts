import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AlertBatch } from '../../app/ports/alert-batch.js';
import type { WatchCounters } from '../../domain/alarm-watch.js';
import type { PageAction } from '../../domain/page-action.js';
import type { CheckName } from '../../domain/rollout-state.js';
import type { WeeklyReview } from '../../domain/weekly-review.js';
import { stampCorrelation } from './job-correlation.js';

/** One queue per kind of work, so each has its own worker, concurrency and rate limit. */
export const QUEUE_NAMES = {
  preflight: 'mec-preflight',
  backup: 'mec-backup',
  smoke: 'mec-smoke',
  ramp: 'mec-ramp',
  soak: 'mec-soak',
  rollback: 'mec-rollback',
  notify: 'mec-notify',
  incident: 'mec-notify-incident',
  review: 'mec-review',
  alerts: 'mec-alerts',
  pager: 'mec-pager',
} as const;
type QueueKind = keyof typeof QUEUE_NAMES;

/** What each job carries: ids and figures only, never a token or a response_url. */
export interface CheckJob {
  phase: string;
  rolloutId: string;
  check: CheckName;
  runId: string;
}
export interface WatchJob {
  phase: string;
  rolloutId: string;
  /** The smoke's run id, or the soak's id. */
  watchId: string;
  tick: number;
  counters: WatchCounters;
  samples: Array<{ at: string; values: Record<string, number | string> }>;
}
/** The job name of a pulled incident's clearance evaluation, on the soak queue. */
export const CLEARANCE_JOB = 'clearance';
/** A follow-up evaluation of a pulled incident's alarm, until it clears. */
export interface ClearanceJob {
  phase: string;
  incidentId: string;
  alarm: string;
  tick: number;
}
/** The job name of a soak's countdown redraw, on the soak queue. */
export const COUNTDOWN_JOB = 'countdown';
/** A redraw of the rollout message while the soak `soakId` runs, so its countdown moves. */
export interface CountdownJob {
  phase: string;
  rolloutId: string;
  soakId: string;
  tick: number;
}
export interface RampJob {
  phase: string;
  rolloutId: string;
  rampId: string;
  weightPct: number;
}
export interface RollbackJob {
  phase: string;
  rolloutId: string;
  rollbackId: string;
  fromPct: number;
  reason: string;
}
export interface CertifyJob {
  phase: string;
  rolloutId: string;
}
/** A batch of alerts the webhook took in, to be acted on. */
export interface AlertsJob {
  batch: AlertBatch;
}
export type IncidentJob =
  | { kind: 'page'; id: string }
  | { kind: 'redraw'; id: string }
  | { kind: 'follow_up'; id: string; text: string };

/** One action for the pager beyond Slack: the incident and the action, never the routing key. */
export interface PagerJob {
  id: string;
  action: PageAction;
}

export type NotifyJob =
  | { kind: 'redraw'; phase: string }
  /** The ledger entry `seq`, told in the rollout's thread. */
  | { kind: 'thread'; phase: string; rolloutId: string; seq: number }
  | { kind: 'card'; phase: string; card: 'go_no_go' | 'approvals' }
  | { kind: 'homes'; phase: string }
  | { kind: 'review'; phase: string; review: WeeklyReview };

export type Queues = Record<QueueKind, Queue>;

/** BullMQ's key prefix under the deployment's prefix, so a test's keys all share its prefix. */
export const bullPrefix = (prefix: string) => `${prefix}bull`;

/** A queue whose jobs carry the correlation id of the work that added them (`stampCorrelation`). */
class CorrelatedQueue extends Queue {
  override add(name: string, data: unknown, opts?: JobsOptions) {
    return super.add(name, stampCorrelation(data), opts);
  }

  override addBulk(jobs: Parameters<Queue['addBulk']>[0]) {
    return super.addBulk(jobs.map((job) => ({ ...job, data: stampCorrelation(job.data) })));
  }
}

export function createQueues(connection: Redis, prefix: string): Queues {
  const entries = Object.entries(QUEUE_NAMES).map(([kind, name]) => [
    kind,
    new CorrelatedQueue(name, { connection, prefix: bullPrefix(prefix) }),
  ]);
  return Object.fromEntries(entries) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}

/**
 * Defaults for every job: retried with backoff when it fails, and kept a day after it completes so that
 * adding the same job id again in that time is a no-op.
 */
export const JOB_DEFAULTS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 86_400 },
  removeOnFail: { age: 7 * 86_400 },
};

/**
 * For jobs that may rightly be asked for again after they finally failed: a rollback reissued by a
 * later BLOCKER or a human, a page or follow-up sent again. A kept failed job would make that add a
 * no-op; the failure is already in the worker's log.
 */
export const REISSUABLE: JobsOptions = { ...JOB_DEFAULTS, removeOnFail: true };

/**
 * For alert batches: the first retry comes soon, since a BLOCKER's rollback may wait on it, and the
 * attempts span minutes, as Alertmanager's own re-sends did. A batch that finally failed has given its
 * deliveries back and is removed, so Alertmanager's next re-send of it queues it again.
 */
export const ALERT_JOBS: JobsOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 100 },
  removeOnComplete: { age: 86_400 },
  removeOnFail: true,
};

/** Registers (or moves) the weekly review on its cron schedule; every process may call it at start. */
export async function scheduleWeeklyReview(
  queues: Queues,
  phase: string,
  cron: string,
  timezone: string,
): Promise<void> {
  await queues.review.upsertJobScheduler(
    'weekly-review',
    { pattern: cron, tz: timezone },
    { name: 'review', data: { phase } },
  );
}
