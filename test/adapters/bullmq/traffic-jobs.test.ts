import type { Job } from 'bullmq';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { JobDeps } from '../../../src/adapters/bullmq/job-deps.js';
import { runCertifyJob, runRampJob, runRollbackJob } from '../../../src/adapters/bullmq/traffic-jobs.js';
import { MecError } from '../../../src/domain/errors.js';

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

  it.each([
    [0, 8, true],
    [6, 8, true],
    [7, 8, false],
  ])(
    'tells a failed rollback attempt to its incident (attempts made %i of %i: retrying %s), then fails the job',
    async (attemptsMade, attempts, retrying) => {
      const failure = new MecError('traffic_controller_failed', 'the traffic controller answered 503');
      const told: unknown[] = [];
      const deps = {
        work: {
          runRollback: async () => {
            throw failure;
          },
          rollbackFailed: async (noted: unknown) => void told.push(noted),
        },
        logger: pino({ level: 'silent' }),
      } as unknown as JobDeps;
      const rollback = { phase: 'M6', rolloutId: 'R1', rollbackId: 'R1.10', fromPct: 25, reason: 'BLOCKER' };
      const attempt = { data: rollback, attemptsMade, opts: { attempts } } as unknown as Job<typeof rollback>;
      await expect(runRollbackJob(deps, attempt)).rejects.toBe(failure);
      expect(told).toEqual([{ rollbackId: 'R1.10', code: 'traffic_controller_failed', retrying }]);
    },
  );

  it('fails the job with the rollback error even when the failure cannot be noted', async () => {
    const failure = new MecError('lock_timeout', 'the traffic lock is held');
    const deps = {
      work: {
        runRollback: async () => {
          throw failure;
        },
        rollbackFailed: async () => {
          throw new MecError('invariant_violated', 'redis is down');
        },
      },
      logger: pino({ level: 'silent' }),
    } as unknown as JobDeps;
    const rollback = { phase: 'M6', rolloutId: 'R1', rollbackId: 'R1.10', fromPct: 25, reason: 'BLOCKER' };
    const attempt = { data: rollback, attemptsMade: 0, opts: { attempts: 8 } } as unknown as Job<
      typeof rollback
    >;
    await expect(runRollbackJob(deps, attempt)).rejects.toBe(failure);
  });
});
