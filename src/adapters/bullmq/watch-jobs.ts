import type { Job } from 'bullmq';
import type { ClearanceTick } from '../../app/ports/background-work.js';
import type { JobDeps } from './job-deps.js';
import { type ClearanceJob, JOB_DEFAULTS, type WatchJob } from './queues.js';

/** The job name of a clearance evaluation on the soak queue. */
export const CLEARANCE_JOB = 'clearance';

/**
 * One evaluation of the smoke or a soak. The next one is queued with an id that names its tick, so a
 * retried job schedules the same next tick, not a second one; so is each incident's first clearance.
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
  for (const clearance of result.clearances ?? []) await queueClearance(deps, phase, clearance);
  return result.outcome;
}

/** One clearance evaluation of a pulled incident; the next is queued while its alarm still fires. */
export async function runClearanceJob(deps: JobDeps, job: Job<ClearanceJob>): Promise<string> {
  const { phase, ...tick } = job.data;
  const result = await deps.work.watchClearance(tick);
  if (result.next) await queueClearance(deps, phase, result.next);
  return result.outcome;
}

async function queueClearance(
  deps: JobDeps,
  phase: string,
  { tick, delayMs }: { tick: ClearanceTick; delayMs: number },
): Promise<void> {
  const data: ClearanceJob = { phase, ...tick };
  await deps.queues.soak.add(CLEARANCE_JOB, data, {
    ...JOB_DEFAULTS,
    jobId: `clearance-${tick.incidentId}-${tick.tick}`,
    delay: delayMs,
  });
}
