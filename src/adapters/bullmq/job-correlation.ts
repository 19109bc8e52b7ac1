import type { Job } from 'bullmq';
import { correlationId } from '../../infra/correlation.js';

/** The key of job data under which a job carries the correlation id of the request that caused it. */
const CID = 'cid';

/**
 * `data` with the correlation id of the work adding it, when there is one: a job added while a request
 * or another job runs carries that id. Data that names one already keeps it; what is not an object
 * (no job of the bot's) is left alone.
 */
export function stampCorrelation<T>(data: T): T {
  const cid = correlationId();
  if (cid === undefined || typeof data !== 'object' || data === null || Array.isArray(data) || CID in data)
    return data;
  return { ...data, [CID]: cid };
}

/**
 * The correlation id a job runs under: the one its data carries, which is removed from the data the
 * handler sees (the use cases take job data as their arguments, and some keep what they are given);
 * a job no request caused (the weekly review, the outbox's re-deliveries) is named by its queue and id,
 * so its own jobs and Slack calls still share an id.
 */
export function takeCorrelation(job: Job, queue: string): string {
  const data: unknown = job.data;
  if (typeof data === 'object' && data !== null && CID in data) {
    const { [CID]: cid, ...rest } = data as Record<string, unknown>;
    job.data = rest;
    if (typeof cid === 'string' && cid !== '') return cid;
  }
  return `${queue}/${job.id ?? job.name}`;
}
