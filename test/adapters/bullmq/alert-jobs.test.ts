import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { runAlertsJob } from '../../../src/adapters/bullmq/alert-jobs.js';
import type { JobDeps } from '../../../src/adapters/bullmq/job-deps.js';
import type { AlertsJob } from '../../../src/adapters/bullmq/queues.js';

describe('runAlertsJob', () => {
  it("acts on the job's batch with the job as the owner of its claims, and answers with the summary", async () => {
    const calls: unknown[][] = [];
    const deps = {
      work: {
        receiveAlerts: async (batch: unknown, owner: string) => {
          calls.push([batch, owner]);
          return '1 received, 0 duplicates, 0 unmatched';
        },
      },
    } as unknown as JobDeps;
    const data: AlertsJob = { batch: { groupKey: 'g', alerts: [] } };
    const job = { id: 'alerts-b1', name: 'alerts', data } as Job<AlertsJob>;
    expect(await runAlertsJob(deps, job)).toBe('1 received, 0 duplicates, 0 unmatched');
    expect(calls).toEqual([[data.batch, 'alerts-b1']]);
  });
});
