import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { JobDeps } from '../../../src/adapters/bullmq/job-deps.js';
import { runCertifyJob, runRampJob, runRollbackJob } from '../../../src/adapters/bullmq/traffic-jobs.js';

function recordingWork() {
  const calls: unknown[][] = [];
  const answer = (word: string, ...call: unknown[]) => {
    calls.push(call);
    return word;
  };
  const deps = {
    work: {
      runRamp: async (ramp: unknown) => answer('applied', 'runRamp', ramp),
      runRollback: async (rollback: unknown) => answer('stale', 'runRollback', rollback),
      certify: async (rolloutId: string) => answer('certified', 'certify', rolloutId),
    },
  } as unknown as JobDeps;
  return { calls, deps };
}

const job = <T>(data: T) => ({ data }) as Job<T>;

describe('the traffic jobs', () => {
  it('hand a ramp to runRamp, a rollback to runRollback and a certify to certify, answering with their word', async () => {
    const { calls, deps } = recordingWork();
    const ramp = { phase: 'M6', rolloutId: 'R1', rampId: 'R1.9', weightPct: 25 };
    const rollback = { phase: 'M6', rolloutId: 'R1', rollbackId: 'R1.10', fromPct: 25, reason: 'BLOCKER' };
    expect(await runRampJob(deps, job(ramp))).toBe('applied');
    expect(await runRollbackJob(deps, job(rollback))).toBe('stale');
    expect(await runCertifyJob(deps, job({ phase: 'M6', rolloutId: 'R1' }))).toBe('certified');
    expect(calls).toEqual([
      ['runRamp', ramp],
      ['runRollback', rollback],
      ['certify', 'R1'],
    ]);
  });
});
