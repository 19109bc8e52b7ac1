import type { Queue } from 'bullmq';
import type { PageQueue } from '../../app/ports/page-queue.js';
import type { PageAction } from '../../domain/page-action.js';
import { JOB_DEFAULTS, type PagerJob } from './queues.js';

/**
 * Pager actions as jobs of the pager queue, one job id per incident and action, so an action queued
 * again (a re-sent alert, another redraw) adds nothing while its job is kept. The queue runs one job
 * at a time across every worker process, and a job that must wait for the pager goes back to the head
 * of the queue: an acknowledge never overtakes its trigger.
 */
export class BullPageQueue implements PageQueue {
  readonly #queue: Queue;
  readonly #keepSeconds: number;

  /**
   * `keepMs`: how long a done action's job is kept, so that asking for it again adds nothing; the
   * incidents' retention, so an incident open for days is never triggered twice.
   */
  constructor(queue: Queue, keepMs: number) {
    this.#queue = queue;
    this.#keepSeconds = Math.ceil(keepMs / 1_000);
  }

  async queue(incidentId: string, action: PageAction): Promise<void> {
    // Set with every add, before the job exists: one write to Redis, which keeps it, so a Redis that
    // lost its data gets it back with the next page. Pages are few.
    await this.#queue.setGlobalConcurrency(1);
    const data: PagerJob = { id: incidentId, action };
    await this.#queue.add(action, data, {
      ...JOB_DEFAULTS,
      removeOnComplete: { age: this.#keepSeconds },
      jobId: pagerJobId(incidentId, action),
    });
  }
}

/** The job id of one action of one incident. */
export const pagerJobId = (incidentId: string, action: PageAction) => `pager-${incidentId}-${action}`;
