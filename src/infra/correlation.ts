import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The correlation id of the request (a slash command, a click, a webhook POST) whose work is running,
 * carried through every await of that work in this process. The logger adds it to each line as `cid`;
 * the queues copy it into the data of each job the work adds, and the workers run that job under it
 * again, so one id ties a request to its jobs and their Slack calls. It is not a secret.
 */
const current = new AsyncLocalStorage<string>();

/** A fresh correlation id. */
export const newCorrelationId = (): string => randomUUID();

/** The correlation id of the work running now; undefined outside any request or job. */
export const correlationId = (): string | undefined => current.getStore();

/** Runs `work` under the correlation id `id`: everything it awaits, and the jobs it adds, carry it. */
export function withCorrelation<T>(id: string, work: () => T): T {
  return current.run(id, work);
}
