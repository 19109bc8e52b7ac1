import type { AlertBatch } from './alert-batch.js';

/** Where the alerts the webhook took in wait, durably, for a worker to act on them. */
export interface AlertQueue {
  /**
   * Stores `batch` under `id` to be acted on, ahead of the rest when `urgent`. A batch stored under `id`
   * already (a re-send) is left as it is. Resolves once the batch is stored; rejects when it is not.
   */
  queue(id: string, batch: AlertBatch, urgent: boolean): Promise<void>;
}
