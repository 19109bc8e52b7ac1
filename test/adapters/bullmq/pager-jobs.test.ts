import { type Job, RateLimitError, Worker } from 'bullmq';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { BullPageQueue } from '../../../src/adapters/bullmq/bull-page-queue.js';
import { pagerJobHandler } from '../../../src/adapters/bullmq/pager-jobs.js';
import {
  bullPrefix,
  closeQueues,
  createQueues,
  type PagerJob,
  QUEUE_NAMES,
} from '../../../src/adapters/bullmq/queues.js';
import { MemoryIncidentStore } from '../../../src/adapters/memory/memory-incident-store.js';
import { MemoryLedger } from '../../../src/adapters/memory/memory-ledger.js';
import { PagerDutyEvents } from '../../../src/adapters/pagerduty/pagerduty-events.js';
import { sendPage } from '../../../src/app/page-responders.js';
import { transitionIncident } from '../../../src/app/transition-incident.js';
import { MecError } from '../../../src/domain/errors.js';
import type { Logger } from '../../../src/infra/logger.js';
import { INCIDENT } from '../../support/incident.js';
import { startPagerDutyStandIn } from '../../support/pagerduty-stand-in.js';
import { recordingLog } from '../../support/recording-log.js';
import { useTestRedis } from '../../support/redis.js';
import { useTeardown } from '../../support/teardown.js';

const testRedis = useTestRedis();
const teardown = useTeardown();

const job = (data: PagerJob) => ({ data, id: `pager-${data.id}-${data.action}` }) as Job<PagerJob>;

/** The one call of the worker the handler makes: rateLimit, recorded. */
function fakeWorker() {
  const waits: number[] = [];
  const worker = { rateLimit: async (ms: number) => void waits.push(ms) } as unknown as Worker;
  return { waits, worker: () => worker };
}

describe('pagerJobHandler', () => {
  it('sends the action and names what was done', async () => {
    const sent: string[] = [];
    const { worker } = fakeWorker();
    const run = pagerJobHandler(
      async (id, action) => {
        sent.push(`${action} ${id}`);
        return 'sent';
      },
      worker,
      pino({ level: 'silent' }),
    );
    expect(await run(job({ id: 'i1', action: 'trigger' }))).toBe('trigger sent');
    expect(sent).toEqual(['trigger i1']);
  });

  it('holds the whole queue, longer each time up to the cap, while the pager is rate limited or down', async () => {
    const { waits, worker } = fakeWorker();
    const failures = [
      'pager_rate_limited',
      'pager_unreachable',
      'pager_unreachable',
      'pager_unreachable',
    ] as const;
    let calls = 0;
    const run = pagerJobHandler(
      async () => {
        const code = failures[calls++];
        if (code) throw new MecError(code, 'no');
        return 'sent';
      },
      worker,
      pino({ level: 'silent' }),
      { baseMs: 100, maxMs: 500 },
    );
    for (const _ of failures)
      await expect(run(job({ id: 'i1', action: 'trigger' }))).rejects.toBeInstanceOf(RateLimitError);
    expect(waits).toEqual([100, 200, 400, 500]);
    expect(await run(job({ id: 'i1', action: 'trigger' }))).toBe('trigger sent');
  });

  it('gives a refused event up at once, and logs it as an error', async () => {
    const { waits, worker } = fakeWorker();
    const log = recordingLog();
    const run = pagerJobHandler(
      async () => {
        throw new MecError('pager_refused', 'PagerDuty refused the trigger (400): bad');
      },
      worker,
      log as unknown as Logger,
    );
    expect(await run(job({ id: 'i1', action: 'trigger' }))).toBe('trigger refused');
    expect(waits).toEqual([]);
    expect(log.at('error')).toMatchObject([{ fields: { code: 'pager_refused' } }]);
  });

  it('holds the queue on any other failure too, so no later action of the incident overtakes it', async () => {
    const { waits, worker } = fakeWorker();
    const run = pagerJobHandler(
      async () => {
        throw new Error('redis went away');
      },
      worker,
      pino({ level: 'silent' }),
      { baseMs: 100, maxMs: 1_000 },
    );
    await expect(run(job({ id: 'i1', action: 'trigger' }))).rejects.toBeInstanceOf(RateLimitError);
    await expect(run(job({ id: 'i1', action: 'trigger' }))).rejects.toBeInstanceOf(RateLimitError);
    expect(waits).toEqual([100, 200]);
  });
});

describe('the pager queue against the PagerDuty stand-in', () => {
  async function pagerWorld() {
    const redis = testRedis();
    const standIn = await startPagerDutyStandIn();
    const connection = redis.connect({ maxRetriesPerRequest: null });
    const queues = createQueues(connection, redis.prefix);
    const incidents = new MemoryIncidentStore(new MemoryLedger());
    await transitionIncident({ ctx: { phase: 'M6', now: () => new Date() }, incidents }, INCIDENT.id, {
      type: 'open_incident',
      incident: INCIDENT,
    });
    const log = recordingLog();
    const pager = new PagerDutyEvents({ routingKey: standIn.routingKey, url: standIn.url, timeoutMs: 2_000 });
    const worker: Worker = new Worker(
      QUEUE_NAMES.pager,
      pagerJobHandler(
        (id, action) => sendPage({ incidents, pager }, id, action),
        () => worker,
        log as unknown as Logger,
        {
          baseMs: 50,
          maxMs: 200,
        },
      ),
      {
        connection: redis.connect({ maxRetriesPerRequest: null }),
        prefix: bullPrefix(redis.prefix),
        concurrency: 1,
      },
    );
    teardown(async () => {
      await worker.close();
      await closeQueues(queues);
    });
    return { standIn, queue: queues.pager, pages: new BullPageQueue(queues.pager, 30 * 86_400_000), log };
  }

  const actions = (events: Array<{ event_action: string; dedup_key: string }>) =>
    events.map((event) => `${event.event_action} ${event.dedup_key}`);
  const ALL = [`trigger ${INCIDENT.id}`, `acknowledge ${INCIDENT.id}`, `resolve ${INCIDENT.id}`];

  it('keeps trigger, acknowledge and resolve in order, each once, through 429s and 5xx answers', async () => {
    const { standIn, pages, queue } = await pagerWorld();
    standIn.failNext(429, 2);
    standIn.failNext(503, 2);
    standIn.failNext(500, 1);
    for (const action of ['trigger', 'acknowledge', 'resolve'] as const)
      await pages.queue(INCIDENT.id, action);
    await expect.poll(() => actions(standIn.accepted), { timeout: 15_000 }).toEqual(ALL);
    expect(standIn.requests.map((request) => request.status)).toEqual([
      429, 429, 503, 503, 500, 202, 202, 202,
    ]);
    // Every refused attempt was the trigger: nothing overtook it.
    expect(standIn.requests.slice(0, 6).map((request) => JSON.parse(request.body).event_action)).toEqual(
      Array(6).fill('trigger'),
    );
    expect(await queue.getJobCounts('completed', 'failed')).toEqual({ completed: 3, failed: 0 });
  });

  it('loses nothing while PagerDuty is down, and sends each action once it is back', async () => {
    const { standIn, pages, log } = await pagerWorld();
    await standIn.down();
    for (const action of ['trigger', 'acknowledge'] as const) await pages.queue(INCIDENT.id, action);
    await expect.poll(() => log.at('warn').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(log.at('warn')[0]?.fields).toMatchObject({ code: 'pager_unreachable' });
    await standIn.up();
    await pages.queue(INCIDENT.id, 'resolve');
    await expect.poll(() => actions(standIn.accepted), { timeout: 15_000 }).toEqual(ALL);
  });

  it('never puts the routing key in job data or in the log', async () => {
    const { standIn, pages, queue, log } = await pagerWorld();
    standIn.failNext(503, 1);
    await pages.queue(INCIDENT.id, 'trigger');
    await expect.poll(() => standIn.accepted.length, { timeout: 10_000 }).toBe(1);
    const jobs = await queue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed']);
    expect(jobs).toHaveLength(1);
    expect(JSON.stringify(jobs.map((stored) => stored.asJSON()))).not.toContain(standIn.routingKey);
    expect(log.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(log.lines)).not.toContain(standIn.routingKey);
  });
});
