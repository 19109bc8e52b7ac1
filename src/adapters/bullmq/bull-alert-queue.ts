import type { Queue } from 'bullmq';
import type { AlertBatch } from '../../app/ports/alert-batch.js';
import type { AlertQueue } from '../../app/ports/alert-queue.js';
import { MecError } from '../../domain/errors.js';
import { ExpiringMemo } from '../../infra/expiring-memo.js';
import { ALERT_JOBS, type AlertsJob } from './queues.js';

/**
 * How long this process answers a re-send of a batch it queued itself without asking Redis, in
 * milliseconds: in a storm nearly every request is such a copy.
 */
const LOCAL_QUEUED_MS = 60_000;
/** The most batches remembered; the oldest are forgotten first. */
const LOCAL_BATCHES = 20_000;
/**
 * How long an add may take before the batch is reported not taken, in milliseconds. The jobs
 * connection waits out an outage rather than fail, so without a bound the webhook would hang until
 * Redis came back. An add that lands after this is harmless: the re-send names the same batch.
 */
const ADD_TIMEOUT_MS = 5_000;

/**
 * Alert batches as jobs on the alerts queue, each under its batch's name: BullMQ adds a job id it holds
 * already as a no-op, so a re-send queues nothing. A BLOCKER's batch has no priority, which BullMQ runs
 * before every prioritized job.
 */
export class BullAlertQueue implements AlertQueue {
  readonly #queue: Queue<AlertsJob>;
  /** Batches this process queued lately. */
  readonly #queued = new ExpiringMemo<true>(LOCAL_BATCHES);

  constructor(queue: Queue) {
    this.#queue = queue as Queue<AlertsJob>;
  }

  async queue(id: string, batch: AlertBatch, urgent: boolean): Promise<void> {
    if (this.#queued.get(id)) return;
    const adding = this.#queue.add(
      'alerts',
      { batch },
      { ...ALERT_JOBS, jobId: `alerts-${id}`, ...(urgent ? {} : { priority: 1 }) },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(new MecError('redis_unreachable', `the alert batch was not queued in ${ADD_TIMEOUT_MS} ms`)),
        ADD_TIMEOUT_MS,
      );
    });
    // The add may still fail after the bound: that failure is the re-send's to report, not an unhandled one.
    adding.catch(() => undefined);
    try {
      await Promise.race([adding, late]);
    } finally {
      clearTimeout(timer);
    }
    this.#queued.set(id, true, LOCAL_QUEUED_MS);
  }
}
