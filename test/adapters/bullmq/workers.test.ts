import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { JobDeps } from '../../../src/adapters/bullmq/job-deps.js';
import type { SendPage } from '../../../src/adapters/bullmq/pager-jobs.js';
import { closeQueues, createQueues } from '../../../src/adapters/bullmq/queues.js';
import { startWorkers } from '../../../src/adapters/bullmq/workers.js';
import type { BackgroundWork } from '../../../src/app/ports/background-work.js';
import type { RolloutDeliveries } from '../../../src/app/ports/slack-deliveries.js';
import { NO_COUNTS } from '../../../src/domain/alarm-watch.js';
import { MecError } from '../../../src/domain/errors.js';
import type { WeeklyReview } from '../../../src/domain/weekly-review.js';
import { withCorrelation } from '../../../src/infra/correlation.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

/** The use cases, recording each call; `failRamp` makes runRamp fail as a hand-edited registry does. */
function recordingWork(options: { failRamp?: Error } = {}) {
  const calls: unknown[][] = [];
  const answer = <T>(result: T, ...call: unknown[]): T => {
    calls.push(call);
    return result;
  };
  const work: BackgroundWork = {
    runCheck: async (run) => answer('applied', 'runCheck', run),
    runRamp: async (ramp) => {
      calls.push(['runRamp', ramp]);
      if (options.failRamp) throw options.failRamp;
      return 'applied';
    },
    runRollback: async (rollback) => answer('applied', 'runRollback', rollback),
    rollbackFailed: async (failure) => answer(undefined, 'rollbackFailed', failure),
    certify: async (rolloutId) => answer('certified', 'certify', rolloutId),
    watchTick: async (tick) => answer({ outcome: 'applied' }, 'watchTick', tick.kind, tick.watchId),
    watchClearance: async (tick) => answer({ outcome: 'resolved' }, 'watchClearance', tick.incidentId),
    soakCountdown: async (countdown) => answer({ outcome: 'stale' }, 'soakCountdown', countdown.soakId),
    postReview: async () => {
      calls.push(['postReview']);
      return { warnings: [{}], rollbacks: [] } as unknown as WeeklyReview;
    },
    receiveAlerts: async (batch, owner) => answer('1 received', 'receiveAlerts', batch.groupKey, owner),
  };
  return { calls, work };
}

/** Workers on the test's Redis, their log lines kept as parsed JSON. */
function workersFor(work: BackgroundWork, publisher?: RolloutDeliveries, pager?: { send: SendPage }) {
  const { prefix, connect } = testRedis();
  const connection = connect({ maxRetriesPerRequest: null });
  const queues = createQueues(connection, prefix);
  const lines: Array<Record<string, unknown>> = [];
  const finished: string[] = [];
  const failed: string[] = [];
  const deps: JobDeps = {
    work,
    queues,
    prefix,
    jobs: { lockDuration: 2_000 },
    metrics: {
      jobFinished: (queue) => void finished.push(queue),
      jobFailed: (queue) => void failed.push(queue),
    },
    logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
  };
  const workers = startWorkers(deps, connection, publisher, undefined, pager);
  return {
    queues,
    workers,
    lines,
    finished,
    failed,
    close: async () => {
      await workers.close();
      await closeQueues(queues);
    },
  };
}

describe('startWorkers', () => {
  it('runs each queue with its use case, and counts and logs each job done', async () => {
    const { calls, work } = recordingWork();
    const bot = workersFor(work);
    try {
      const { queues } = bot;
      await queues.preflight.add('preflight', {
        phase: 'M6',
        rolloutId: 'R1',
        check: 'preflight',
        runId: 'R1.1',
      });
      await queues.backup.add('rehearsal', {
        phase: 'M6',
        rolloutId: 'R1',
        check: 'rehearsal',
        runId: 'R1.3',
      });
      const watch = { phase: 'M6', rolloutId: 'R1', tick: 0, counters: NO_COUNTS, samples: [] };
      await queues.smoke.add('smoke', { ...watch, watchId: 'R1.4' });
      await queues.soak.add('soak', { ...watch, watchId: 'R1.6' });
      await queues.ramp.add('ramp', { phase: 'M6', rolloutId: 'R1', rampId: 'R1.5', weightPct: 5 });
      await queues.ramp.add('certify', { phase: 'M6', rolloutId: 'R1' });
      await queues.rollback.add('rollback', {
        phase: 'M6',
        rolloutId: 'R1',
        rollbackId: 'R1.7',
        fromPct: 5,
        reason: 'x',
      });
      await queues.review.add('review', { phase: 'M6' });
      await queues.alerts.add('alerts', { batch: { groupKey: 'g1', alerts: [] } }, { jobId: 'alerts-b1' });
      await expect.poll(() => calls.length, { timeout: 10_000 }).toBe(9);
      expect(calls).toEqual(
        expect.arrayContaining([
          ['runCheck', { phase: 'M6', rolloutId: 'R1', check: 'preflight', runId: 'R1.1' }],
          ['runCheck', { phase: 'M6', rolloutId: 'R1', check: 'rehearsal', runId: 'R1.3' }],
          ['watchTick', 'smoke', 'R1.4'],
          ['watchTick', 'soak', 'R1.6'],
          ['runRamp', { phase: 'M6', rolloutId: 'R1', rampId: 'R1.5', weightPct: 5 }],
          ['certify', 'R1'],
          ['runRollback', { phase: 'M6', rolloutId: 'R1', rollbackId: 'R1.7', fromPct: 5, reason: 'x' }],
          ['postReview'],
          // The job is the owner of the batch's claims.
          ['receiveAlerts', 'g1', 'alerts-b1'],
        ]),
      );
      await expect.poll(() => bot.finished.length, { timeout: 10_000 }).toBe(9);
      expect(new Set(bot.finished)).toEqual(
        new Set([
          'mec-preflight',
          'mec-backup',
          'mec-smoke',
          'mec-soak',
          'mec-ramp',
          'mec-rollback',
          'mec-review',
          'mec-alerts',
        ]),
      );
      await expect
        .poll(() => bot.lines.find((line) => line.queue === 'mec-review' && line.msg === 'job done'))
        .toMatchObject({ result: '1 warnings, 0 rollbacks', level: 20 });
      // "job done" is at debug: at info, the transitions and calls the jobs made tell what happened.
      expect(bot.lines.filter((line) => line.msg === 'job done' && line.level !== 20)).toEqual([]);
    } finally {
      await bot.close();
    }
  });

  it('runs a job under the correlation id its data carries, which its handler does not see', async () => {
    const { calls, work } = recordingWork();
    const bot = workersFor(work);
    try {
      await withCorrelation('cid-from-request', () =>
        bot.queues.preflight.add('preflight', {
          phase: 'M6',
          rolloutId: 'R1',
          check: 'preflight',
          runId: 'R1.1',
        }),
      );
      await bot.queues.backup.add('rehearsal', {
        phase: 'M6',
        rolloutId: 'R1',
        check: 'rehearsal',
        runId: 'R1.3',
      });
      await expect.poll(() => calls.length, { timeout: 10_000 }).toBe(2);
      expect(calls).toContainEqual([
        'runCheck',
        { phase: 'M6', rolloutId: 'R1', check: 'preflight', runId: 'R1.1' },
      ]);
      await expect
        .poll(
          () => bot.lines.filter((line) => line.msg === 'job done').map((line) => [line.queue, line.cid]),
          {
            timeout: 10_000,
          },
        )
        .toEqual(
          expect.arrayContaining([
            ['mec-preflight', 'cid-from-request'],
            // A job no request caused is named by its queue and id.
            ['mec-backup', expect.stringMatching(/^mec-backup\//)],
          ]),
        );
    } finally {
      await bot.close();
    }
  });

  it('runs the pager queue when a pager is given', async () => {
    const sent: string[] = [];
    const send: SendPage = async (id, action) => {
      sent.push(`${action} ${id}`);
      return 'sent';
    };
    const bot = workersFor(recordingWork().work, undefined, { send });
    try {
      await bot.queues.pager.add('trigger', { id: 'i1', action: 'trigger' });
      await expect.poll(() => sent, { timeout: 10_000 }).toEqual(['trigger i1']);
      await expect
        .poll(() => bot.lines.find((line) => line.queue === 'mec-pager' && line.msg === 'job done')?.result)
        .toBe('trigger sent');
    } finally {
      await bot.close();
    }
  });

  it('starts no pager worker without a pager', async () => {
    const bot = workersFor(recordingWork().work);
    try {
      await bot.queues.pager.add('trigger', { id: 'i2', action: 'trigger' });
      await bot.queues.review.add('review', { phase: 'M6' });
      // The review's job is done by a worker; the page waits for one that is never started.
      await expect.poll(() => bot.finished, { timeout: 10_000 }).toContain('mec-review');
      expect(await bot.queues.pager.getJobCounts('waiting')).toEqual({ waiting: 1 });
    } finally {
      await bot.close();
    }
  });

  it('logs and counts a failed job with its error code and attempt, and keeps it for a retry', async () => {
    const { work } = recordingWork({ failRamp: new MecError('registry_write_failed', 'edited by hand') });
    const bot = workersFor(work);
    try {
      await bot.queues.ramp.add(
        'ramp',
        { phase: 'M6', rolloutId: 'R1', rampId: 'R1.5', weightPct: 5 },
        { attempts: 3, backoff: { type: 'fixed', delay: 60_000 } },
      );
      await expect
        .poll(() => bot.lines.find((line) => line.msg === 'job failed; it will be retried'), {
          timeout: 10_000,
        })
        .toMatchObject({
          queue: 'mec-ramp',
          code: 'registry_write_failed',
          err: 'edited by hand',
          attempt: 1,
        });
      expect(await bot.queues.ramp.getDelayedCount()).toBe(1);
      expect(bot.failed).toEqual(['mec-ramp']);
    } finally {
      await bot.close();
    }
  });

  it('delivers Slack work through the publisher it is given, and says when it stops running', async () => {
    const redraws: string[] = [];
    const publisher = {
      drawRollout: async (phase: string) => void redraws.push(phase),
    } as unknown as RolloutDeliveries;
    const bot = workersFor(recordingWork().work, publisher);
    try {
      await expect.poll(() => bot.workers.running(), { timeout: 10_000 }).toBe(true);
      await bot.queues.notify.add('redraw', { kind: 'redraw', phase: 'M6' });
      await expect.poll(() => redraws, { timeout: 10_000 }).toEqual(['M6']);
    } finally {
      await bot.close();
    }
    expect(bot.workers.running()).toBe(false);
  });
});
