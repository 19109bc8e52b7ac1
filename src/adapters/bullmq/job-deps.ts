import type { BackgroundWork } from '../../app/ports/background-work.js';
import type { JobMetrics } from '../../app/ports/job-metrics.js';
import type { Logger } from '../../infra/logger.js';
import type { Queues } from './queues.js';

/** What the job handlers need. Built once per worker process. */
export interface JobDeps {
  /** The use cases the jobs carry out. */
  work: BackgroundWork;
  queues: Queues;
  /** Prefix of every Redis key. */
  prefix: string;
  jobs: {
    /** How long a job's lock lasts, in milliseconds; a worker that dies loses it after that. */
    lockDuration: number;
  };
  metrics: JobMetrics;
  logger: Logger;
}

/** The crashpoint of a process: hangs forever at the point `armed` names, and nowhere else. */
export function crashpointFor(armed: string | undefined, logger: Logger): (name: string) => Promise<void> {
  return async (name) => {
    if (armed !== name) return;
    logger.warn({ crashpoint: name }, 'crashpoint reached: this process now waits to be killed');
    await new Promise(() => undefined);
  };
}
