import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { runCheckJob } from '../../../src/adapters/bullmq/check-jobs.js';
import type { JobDeps } from '../../../src/adapters/bullmq/job-deps.js';
import type { CheckJob } from '../../../src/adapters/bullmq/queues.js';

describe('runCheckJob', () => {
  it("hands the check job's data to runCheck and answers with its word for the log", async () => {
    const runs: unknown[] = [];
    const deps = {
      work: {
        runCheck: async (run: unknown) => {
          runs.push(run);
          return 'applied';
        },
      },
    } as unknown as JobDeps;
    const data: CheckJob = { phase: 'M6', rolloutId: 'R1', check: 'backup', runId: 'R1.2' };
    expect(await runCheckJob(deps, { data } as Job<CheckJob>)).toBe('applied');
    expect(runs).toEqual([data]);
  });
});
