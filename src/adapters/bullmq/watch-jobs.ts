import type { Job } from 'bullmq';
import type { ClearanceTick } from '../../app/ports/background-work.js';
import type { JobDeps } from './job-deps.js';
import {
  CLEARANCE_JOB,
  type ClearanceJob,
  COUNTDOWN_JOB,
  type CountdownJob,
  JOB_DEFAULTS,
  type WatchJob,
} from './queues.js';

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

/** One countdown redraw of a running soak; the next is queued while the soak runs. */
export async function runCountdownJob(deps: JobDeps, job: Job<CountdownJob>): Promise<string> {
  const { phase, ...countdown } = job.data;
  const result = await deps.work.soakCountdown(countdown);
  if (result.next) {
    const next: CountdownJob = { phase, ...result.next.countdown };
    await deps.queues.soak.add(COUNTDOWN_JOB, next, {
      ...JOB_DEFAULTS,
      jobId: `countdown-${next.soakId}-${next.tick}`,
      delay: result.next.delayMs,
    });
  }
  return result.outcome;
}
