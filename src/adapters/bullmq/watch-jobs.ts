import type { Job } from 'bullmq';
import type { JobDeps } from './job-deps.js';
import { JOB_DEFAULTS, type WatchJob } from './queues.js';

/**
 * One evaluation of the smoke or a soak. The next one is queued with an id that names its tick, so a
 * retried job schedules the same next tick, not a second one.
 */
export async function runWatchJob(
  deps: JobDeps,
  kind: 'smoke' | 'soak',
  job: Job<WatchJob>,
): Promise<string> {
  const { phase, ...tick } = job.data;
  const result = await deps.work.watchTick({ kind, ...tick });
  if (result.next) {
    const { kind: _kind, ...next } = result.next.tick;
    const queue = kind === 'smoke' ? deps.queues.smoke : deps.queues.soak;
    await queue.add(
      kind,
      { phase, ...next },
      { ...JOB_DEFAULTS, jobId: `${kind}-${next.watchId}-${next.tick}`, delay: result.next.delayMs },
    );
  }
  return result.outcome;
}
