import { createHash } from 'node:crypto';
import type { AlertBatch } from './ports/alert-batch.js';
import type { AlertQueue } from './ports/alert-queue.js';
import type { PagedAlarm } from './raise-incident.js';
import { deliveryOf } from './receive-alerts.js';

export interface TakeDeps {
  queue: AlertQueue;
  alarms: readonly Pick<PagedAlarm, 'name' | 'severity'>[];
  phase: string;
}

export interface TakeSummary {
  received: number;
  /** The name the batch is queued under; a re-send's is its first copy's. */
  batch: string;
}

/**
 * Takes a batch of alerts in, to be acted on by the alert worker (`receiveAlerts`), which retries it
 * itself until it lands. The batch is named by its deliveries, so a re-send of it is the batch already
 * queued, and one that fires a BLOCKER of the phase goes ahead of the rest. The webhook answers once the
 * batch is stored: in a storm it is not held to the pace at which the bot acts.
 */
export async function takeAlerts(deps: TakeDeps, batch: AlertBatch): Promise<TakeSummary> {
  const deliveries = batch.alerts.map((alert) => deliveryOf(batch.groupKey, alert)).sort();
  const id = createHash('sha256').update(deliveries.join('\n')).digest('hex').slice(0, 32);
  const blockers = new Set(
    deps.alarms.filter((alarm) => alarm.severity === 'BLOCKER').map((alarm) => alarm.name),
  );
  const urgent = batch.alerts.some(
    (alert) =>
      alert.status === 'firing' &&
      alert.labels.mec_phase === deps.phase &&
      blockers.has(alert.labels.mec_alarm ?? ''),
  );
  await deps.queue.queue(id, batch, urgent);
  return { received: batch.alerts.length, batch: id };
}
