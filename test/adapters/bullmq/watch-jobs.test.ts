import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { JobDeps } from '../../../src/adapters/bullmq/job-deps.js';
import {
  type ClearanceJob,
  type CountdownJob,
  closeQueues,
  createQueues,
  type WatchJob,
} from '../../../src/adapters/bullmq/queues.js';
import { runClearanceJob, runCountdownJob, runWatchJob } from '../../../src/adapters/bullmq/watch-jobs.js';
import type {
  ClearanceResult,
  ClearanceTick,
  TickResult,
  WatchTick,
} from '../../../src/app/ports/background-work.js';
import { NO_COUNTS } from '../../../src/domain/alarm-watch.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

const TICK: WatchJob = {
  phase: 'M6',
  rolloutId: 'R1',
  watchId: 'R1.4',
  tick: 3,
  counters: NO_COUNTS,
  samples: [],
};

/** Job deps on real queues, whose watchTick answers `result` and keeps the ticks it was given. */
function depsAnswering(
  result: (tick: WatchTick) => TickResult,
  clearance: (tick: ClearanceTick) => ClearanceResult = () => ({ outcome: 'stale' }),
) {
  const { prefix, connect } = testRedis();
  const queues = createQueues(connect({ maxRetriesPerRequest: null }), prefix);
  const ticks: WatchTick[] = [];
  const deps = {
    queues,
    work: {
      watchTick: async (tick: WatchTick) => {
        ticks.push(tick);
        return result(tick);
      },
      watchClearance: async (tick: ClearanceTick) => clearance(tick),
      soakCountdown: async (countdown: { tick: number }) =>
        countdown.tick < 2
          ? {
              outcome: 'redrawn',
              next: { countdown: { ...countdown, tick: countdown.tick + 1 }, delayMs: 60_000 },
            }
          : { outcome: 'stale' },
    },
  } as unknown as JobDeps;
  return { deps, queues, ticks };
}

describe('runWatchJob', () => {
  it('hands the tick to watchTick as the smoke or a soak, without the phase the job carries', async () => {
    const { deps, queues, ticks } = depsAnswering(() => ({ outcome: 'applied' }));
    try {
      expect(await runWatchJob(deps, 'soak', { data: TICK } as Job<WatchJob>)).toBe('applied');
      const { phase: _phase, ...tick } = TICK;
      expect(ticks).toEqual([{ kind: 'soak', ...tick }]);
      expect(await queues.soak.getJobs(['waiting', 'delayed'])).toEqual([]);
    } finally {
      await closeQueues(queues);
    }
  });

  it('queues the next tick after its delay, under an id naming the tick, so a retried job queues it once', async () => {
    const { deps, queues } = depsAnswering((tick) => ({
      outcome: 'watching',
      next: { tick: { ...tick, tick: tick.tick + 1 }, delayMs: 30_000 },
    }));
    try {
      const job = { data: TICK } as Job<WatchJob>;
      expect(await runWatchJob(deps, 'smoke', job)).toBe('watching');
      expect(await runWatchJob(deps, 'smoke', job)).toBe('watching');
      const queued = await queues.smoke.getJobs(['waiting', 'delayed']);
      expect(queued.map((next) => [next.id, next.name, next.opts.delay, next.data])).toEqual([
        ['smoke-R1.4-4', 'smoke', 30_000, { ...TICK, tick: 4 }],
      ]);
      expect(await queues.soak.getJobs(['waiting', 'delayed'])).toEqual([]);
    } finally {
      await closeQueues(queues);
    }
  });
});

describe('clearance evaluations of pulled incidents', () => {
  const FIRST = { incidentId: 'inc-1', alarm: 'latency_slo_drop', tick: 0 };

  it('queues the first clearance of each incident a soak tick opened, once, on the soak queue', async () => {
    const { deps, queues } = depsAnswering(() => ({
      outcome: 'rolled_back',
      clearances: [{ tick: FIRST, delayMs: 30_000 }],
    }));
    try {
      const job = { data: TICK } as Job<WatchJob>;
      await runWatchJob(deps, 'soak', job);
      await runWatchJob(deps, 'soak', job);
      const queued = await queues.soak.getJobs(['waiting', 'delayed']);
      expect(queued.map((next) => [next.id, next.name, next.opts.delay, next.data])).toEqual([
        ['clearance-inc-1-0', 'clearance', 30_000, { phase: 'M6', ...FIRST }],
      ]);
    } finally {
      await closeQueues(queues);
    }
  });

  it('queues the next clearance while the alarm still fires, and none once it resolved', async () => {
    const { deps, queues } = depsAnswering(
      () => ({ outcome: 'applied' }),
      (tick) =>
        tick.tick === 0
          ? { outcome: 'breaching', next: { tick: { ...tick, tick: 1 }, delayMs: 30_000 } }
          : { outcome: 'resolved' },
    );
    try {
      const data: ClearanceJob = { phase: 'M6', ...FIRST };
      expect(await runClearanceJob(deps, { data } as Job<ClearanceJob>)).toBe('breaching');
      const queued = await queues.soak.getJobs(['waiting', 'delayed']);
      expect(queued.map((next) => [next.id, next.data])).toEqual([
        ['clearance-inc-1-1', { ...data, tick: 1 }],
      ]);
      const later = { data: { ...data, tick: 1 } } as Job<ClearanceJob>;
      expect(await runClearanceJob(deps, later)).toBe('resolved');
      expect(await queues.soak.getJobs(['waiting', 'delayed'])).toHaveLength(1);
    } finally {
      await closeQueues(queues);
    }
  });
});

describe('runCountdownJob', () => {
  it('queues the next countdown redraw while the soak runs, once per tick, and none after it', async () => {
    const { deps, queues } = depsAnswering(() => ({ outcome: 'applied' }));
    try {
      const data: CountdownJob = { phase: 'M6', rolloutId: 'R1', soakId: 'R1.4', tick: 1 };
      expect(await runCountdownJob(deps, { data } as Job<CountdownJob>)).toBe('redrawn');
      expect(await runCountdownJob(deps, { data } as Job<CountdownJob>)).toBe('redrawn');
      const queued = await queues.soak.getJobs(['waiting', 'delayed']);
      expect(queued.map((next) => [next.id, next.name, next.opts.delay, next.data])).toEqual([
        ['countdown-R1.4-2', 'countdown', 60_000, { ...data, tick: 2 }],
      ]);
      expect(await runCountdownJob(deps, { data: { ...data, tick: 2 } } as Job<CountdownJob>)).toBe('stale');
      expect(await queues.soak.getJobs(['waiting', 'delayed'])).toHaveLength(1);
    } finally {
      await closeQueues(queues);
    }
  });
});
