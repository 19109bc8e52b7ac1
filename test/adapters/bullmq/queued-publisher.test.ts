import { type Processor, UnrecoverableError, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { QueuedIncidentNotifier, QueuedPublisher } from '../../../src/adapters/bullmq/queued-publisher.js';
import { bullPrefix, closeQueues, createQueues, type Queues } from '../../../src/adapters/bullmq/queues.js';
import type { TransitionResult } from '../../../src/app/ports/transition-result.js';
import type { LedgerEntry } from '../../../src/domain/ledger-entry.js';
import type { WeeklyReview } from '../../../src/domain/weekly-review.js';
import { describeIncidentNotifierContract } from '../../app/ports/incident-notifier.contract.js';
import { describeRolloutPublisherContract } from '../../app/ports/rollout-publisher.contract.js';
import { readyState } from '../../domain/fixtures.js';
import { useTestRedis } from '../../support/redis.js';
import { RELEASE_CHANNEL } from '../../support/slack-harness.js';
import {
  INCIDENT_CHANNEL,
  startQueuedPublishers,
  startSlackPublishers,
} from '../../support/slack-publishers.js';
import { useTeardown } from '../../support/teardown.js';

const testRedis = useTestRedis();
const teardown = useTeardown();

describeRolloutPublisherContract('queued', async () => {
  const redis = testRedis();
  const slack = await startSlackPublishers(redis, teardown);
  const queued = startQueuedPublishers(redis, slack, teardown);
  return {
    publisher: queued.rollouts,
    standIn: slack.standIn,
    store: slack.store,
    releaseChannel: RELEASE_CHANNEL,
    settled: queued.settled,
  };
});

describeIncidentNotifierContract('queued', async () => {
  const redis = testRedis();
  const slack = await startSlackPublishers(redis, teardown);
  const queued = startQueuedPublishers(redis, slack, teardown);
  return {
    notifier: queued.incidentNotices,
    standIn: slack.standIn,
    incidents: slack.incidents,
    incidentChannel: INCIDENT_CHANNEL,
    settled: queued.settled,
  };
});

async function withQueues(
  test: (queues: Queues, marks: string[], worker: (work: Processor) => Worker) => Promise<void>,
) {
  const { prefix, connect } = testRedis();
  const queues = createQueues(connect({ maxRetriesPerRequest: null }), prefix);
  const marks: string[] = [];
  /** A notify worker of the test's own, on the test's keys. */
  const worker = (work: Processor) =>
    new Worker(queues.notify.name, work, {
      connection: connect({ maxRetriesPerRequest: null }),
      prefix: bullPrefix(prefix),
    });
  try {
    await test(queues, marks, worker);
  } finally {
    await closeQueues(queues);
  }
}

const staleMarks = (marks: string[]) => ({ markDirty: async (drawing: string) => void marks.push(drawing) });

/** A committed go that asks for the approval card, as ledger entry 7 at version 3. */
const GO: TransitionResult = {
  outcome: 'applied',
  state: readyState(),
  effects: [{ kind: 'post_card', card: 'approvals' }],
  reason: 'go_recorded',
  message: 'Joint go recorded; approvals are next.',
  entry: { seq: 7 } as LedgerEntry,
  version: 3,
};

const jobsOf = async (queues: Queues) =>
  (await queues.notify.getJobs(['waiting', 'prioritized', 'delayed']))
    .map((job) => [job.opts.deduplication?.id ?? job.id, job.data])
    .sort();

describe('QueuedPublisher', () => {
  it('queues the redraw, the thread reply, the cards and the App Home refresh of a transition, marking the drawings stale first', async () => {
    await withQueues(async (queues, marks) => {
      await new QueuedPublisher(queues, staleMarks(marks)).published('M6', GO);
      expect(await jobsOf(queues)).toEqual([
        ['card-approvals-R1-3', { kind: 'card', phase: 'M6', card: 'approvals' }],
        ['homes-M6', { kind: 'homes', phase: 'M6' }],
        ['redraw-M6', { kind: 'redraw', phase: 'M6' }],
        ['thread-7', { kind: 'thread', phase: 'M6', rolloutId: 'R1', seq: 7 }],
      ]);
      expect(marks).toEqual(['message-M6', 'homes-M6']);
    });
  });

  it('lets a redraw that failed for good make way for the next one, instead of swallowing it', async () => {
    await withQueues(async (queues, marks, notifyWorker) => {
      const publisher = new QueuedPublisher(queues, staleMarks(marks));
      const seen: string[] = [];
      let failing = true;
      const worker = notifyWorker(async (job) => {
        seen.push(`${job.name}-${job.data.phase}`);
        if (failing) throw new UnrecoverableError('Redis went away mid-draw');
      });
      try {
        await publisher.redraw('M6');
        await expect.poll(() => seen, { timeout: 10_000 }).toEqual(['redraw-M6']);
        failing = false;
        await publisher.redraw('M6');
        await expect.poll(() => seen, { timeout: 10_000 }).toEqual(['redraw-M6', 'redraw-M6']);
      } finally {
        await worker.close();
      }
    });
  });

  it('runs a redraw asked for while the last one is finishing: its drawing is already past its last look', async () => {
    await withQueues(async (queues, marks, notifyWorker) => {
      const publisher = new QueuedPublisher(queues, staleMarks(marks));
      const runs: string[] = [];
      const worker = notifyWorker(async (job) => {
        runs.push(job.name);
        // A new state arrives after the drawing's last look at its mark, before the job is done.
        if (runs.length === 1) await publisher.redraw('M6');
      });
      try {
        await publisher.redraw('M6');
        await expect.poll(() => runs, { timeout: 10_000 }).toEqual(['redraw', 'redraw']);
        expect(marks).toEqual(['message-M6', 'message-M6']);
      } finally {
        await worker.close();
      }
    });
  });

  it('posts a transition published twice once', async () => {
    await withQueues(async (queues, marks) => {
      const publisher = new QueuedPublisher(queues, staleMarks(marks));
      await publisher.published('M6', GO);
      await publisher.published('M6', GO);
      expect(await jobsOf(queues)).toHaveLength(4);
    });
  });

  it('queues nothing for a lost race, or a refusal when no rollout exists', async () => {
    await withQueues(async (queues, marks) => {
      const publisher = new QueuedPublisher(queues, staleMarks(marks));
      await publisher.published('M6', {
        outcome: 'conflict',
        reason: 'conflict',
        message: 'try again',
        effects: [],
        version: 3,
      });
      await publisher.published('M6', { ...GO, outcome: 'refused', state: null, effects: [] });
      expect(await jobsOf(queues)).toEqual([]);
      expect(marks).toEqual([]);
    });
  });

  it('posts an approval card each time one is asked for, and the weekly review once per week', async () => {
    await withQueues(async (queues, marks) => {
      const publisher = new QueuedPublisher(queues, staleMarks(marks));
      await publisher.postApprovalCard('M6');
      await publisher.postApprovalCard('M6');
      const review = { to: '2025-10-27T09:00:00.000Z' } as WeeklyReview;
      await publisher.postReview('M6', review);
      await publisher.postReview('M6', review);
      const jobs = await queues.notify.getJobs(['waiting']);
      expect(jobs.filter((job) => job.name === 'card')).toHaveLength(2);
      expect(jobs.filter((job) => job.name === 'review').map((job) => job.id)).toEqual([
        'review-M6-2025-10-27T09:00:00.000Z',
      ]);
    });
  });
});

describe('QueuedIncidentNotifier', () => {
  it('pages an incident once, on its own queue', async () => {
    await withQueues(async (queues, marks) => {
      const notifier = new QueuedIncidentNotifier(queues, staleMarks(marks));
      await notifier.page('inc-1');
      await notifier.page('inc-1');
      const jobs = await queues.incident.getJobs(['waiting']);
      expect(jobs.map((job) => [job.id, job.data])).toEqual([['page-inc-1', { kind: 'page', id: 'inc-1' }]]);
      expect(await queues.notify.getJobs(['waiting'])).toEqual([]);
    });
  });

  it('holds a page that may wait as a delayed job, and sends it as soon as it is asked for now', async () => {
    await withQueues(async (queues, marks) => {
      const notifier = new QueuedIncidentNotifier(queues, staleMarks(marks));
      await notifier.page('inc-1', 60_000);
      expect((await queues.incident.getJobs(['delayed'])).map((job) => job.id)).toEqual(['page-inc-1']);
      expect(await queues.incident.getJobs(['waiting'])).toEqual([]);
      await notifier.page('inc-1');
      expect(await queues.incident.getJobs(['delayed'])).toEqual([]);
      expect((await queues.incident.getJobs(['waiting'])).map((job) => job.id)).toEqual(['page-inc-1']);
      // Asked for later again, the page that is due now stays due now.
      await notifier.page('inc-1', 60_000);
      expect((await queues.incident.getJobs(['waiting'])).map((job) => job.id)).toEqual(['page-inc-1']);
    });
  });

  it('marks the notice stale before queueing its redraw, and follows up once per text', async () => {
    await withQueues(async (queues, marks) => {
      const notifier = new QueuedIncidentNotifier(queues, staleMarks(marks));
      await notifier.redraw('inc-1');
      await notifier.followUp('inc-1', '✅ resolved');
      await notifier.followUp('inc-1', '✅ resolved');
      await notifier.followUp('inc-1', '🔓 overridden');
      expect(marks).toEqual(['incident-inc-1']);
      const jobs = await queues.incident.getJobs(['waiting']);
      expect(jobs.filter((job) => job.name === 'redraw')).toHaveLength(1);
      expect(
        jobs
          .filter((job) => job.name === 'follow_up')
          .map((job) => job.data.text)
          .sort(),
      ).toEqual(['✅ resolved', '🔓 overridden']);
    });
  });
});
