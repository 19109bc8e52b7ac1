import { DelayedError, type Job, RateLimitError, type Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { runIncidentJob, runNotifyJob } from '../../../src/adapters/bullmq/notify-jobs.js';
import type { IncidentJob, NotifyJob } from '../../../src/adapters/bullmq/queues.js';
import type { RolloutDeliveries } from '../../../src/app/ports/slack-deliveries.js';
import { MecError } from '../../../src/domain/errors.js';
import type { WeeklyReview } from '../../../src/domain/weekly-review.js';
import { deferPaced, isRetry, notePosted } from '../../../src/infra/job-attempt.js';

const job = <T>(data: T) => ({ data, id: 'job-1' }) as Job<T>;

/** The one call of the worker a notify job makes: rateLimit, recorded. */
function fakeWorker() {
  const waits: number[] = [];
  const worker = {
    rateLimit: async (ms: number) => {
      waits.push(ms);
    },
  } as unknown as Worker;
  return { waits, worker: () => worker };
}

function recordingDeliveries(failWith?: Error) {
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args]);
      if (failWith) throw failWith;
    };
  const deliveries: RolloutDeliveries = {
    drawRollout: record('redraw'),
    postEntry: record('postEntry'),
    postCard: record('postCard'),
    refreshHomes: record('refreshHomes'),
    postReview: record('postReview'),
  };
  return { calls, deliveries };
}

const REVIEW = { from: 'a', to: 'b' } as WeeklyReview;

/** What Bolt's client throws for a 429 when it is told not to wait itself. */
const rateLimited = (retryAfter?: number) =>
  Object.assign(new Error('An API error occurred: ratelimited'), {
    code: 'slack_webapi_rate_limited_error',
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });

describe('runNotifyJob', () => {
  it.each([
    [{ kind: 'redraw', phase: 'M6' }, ['redraw', 'M6']],
    [{ kind: 'thread', phase: 'M6', rolloutId: 'R1', seq: 7 }, ['postEntry', 'M6', 'R1', 7]],
    [{ kind: 'card', phase: 'M6', card: 'approvals' }, ['postCard', 'M6', 'approvals', 'job-1']],
    [{ kind: 'homes', phase: 'M6' }, ['refreshHomes', 'M6']],
    [{ kind: 'review', phase: 'M6', review: REVIEW }, ['postReview', 'M6', REVIEW]],
  ] as Array<[NotifyJob, unknown[]]>)(
    'hands a %j delivery to the publisher and names it for the log',
    async (data, call) => {
      const { calls, deliveries } = recordingDeliveries();
      const { waits, worker } = fakeWorker();
      expect(await runNotifyJob(deliveries, worker, job(data))).toBe(data.kind);
      expect(calls).toEqual([call]);
      expect(waits).toEqual([]);
    },
  );

  it('delays a thread reply, posting nothing, while an earlier reply of its rollout is pending', async () => {
    const { calls, deliveries } = recordingDeliveries();
    const { worker } = fakeWorker();
    const { running: held, delays } = runningJob<NotifyJob>(
      { kind: 'thread', phase: 'M6', rolloutId: 'R1', seq: 7 },
      1,
    );
    const asked: unknown[][] = [];
    const order = {
      earlierPending: async (...args: unknown[]) => {
        asked.push(args);
        return true;
      },
      token: 'lock-token',
    };
    await expect(runNotifyJob(deliveries, worker, held, order)).rejects.toBeInstanceOf(DelayedError);
    expect(asked).toEqual([['R1', 7]]);
    expect(delays).toEqual([[expect.any(Number), 'lock-token']]);
    expect(calls).toEqual([]);
    await expect(
      runNotifyJob(deliveries, worker, held, { ...order, earlierPending: async () => false }),
    ).resolves.toBe('thread');
    expect(calls).toEqual([['postEntry', 'M6', 'R1', 7]]);
  });

  it("makes the whole queue wait out Slack's Retry-After on a 429, and puts the job back", async () => {
    const { deliveries } = recordingDeliveries(rateLimited(3));
    const { waits, worker } = fakeWorker();
    await expect(
      runNotifyJob(deliveries, worker, job({ kind: 'redraw', phase: 'M6' })),
    ).rejects.toBeInstanceOf(RateLimitError);
    expect(waits).toEqual([3_000]);
  });

  it('waits a second on a 429 that gives no Retry-After', async () => {
    const { deliveries } = recordingDeliveries(rateLimited());
    const { waits, worker } = fakeWorker();
    await expect(
      runNotifyJob(deliveries, worker, job({ kind: 'homes', phase: 'M6' })),
    ).rejects.toBeInstanceOf(RateLimitError);
    expect(waits).toEqual([1_000]);
  });

  it('waits longer each time Slack is down (unreachable or 5xx), up to 15 s, and puts the job back unspent', async () => {
    const unreachable = Object.assign(new Error('A request error occurred: fetch failed'), {
      code: 'slack_webapi_request_error',
    });
    const failing = Object.assign(new Error('An HTTP protocol error occurred: statusCode = 503'), {
      code: 'slack_webapi_http_error',
      statusCode: 503,
    });
    const { waits, worker } = fakeWorker();
    for (let failure = 0; failure < 8; failure++) {
      const { deliveries } = recordingDeliveries(failure % 2 === 0 ? unreachable : failing);
      await expect(
        runNotifyJob(deliveries, worker, job({ kind: 'redraw', phase: 'M6' })),
      ).rejects.toBeInstanceOf(RateLimitError);
    }
    expect(waits).toEqual([500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
    // Slack is back: the next outage starts again from the shortest wait.
    await runNotifyJob(recordingDeliveries().deliveries, worker, job({ kind: 'redraw', phase: 'M6' }));
    await expect(
      runNotifyJob(recordingDeliveries(unreachable).deliveries, worker, job({ kind: 'redraw', phase: 'M6' })),
    ).rejects.toBeInstanceOf(RateLimitError);
    expect(waits.at(-1)).toBe(500);
  });

  it('lets a 4xx other than 429 through: waiting would not make it succeed', async () => {
    const failure = Object.assign(new Error('An HTTP protocol error occurred: statusCode = 400'), {
      code: 'slack_webapi_http_error',
      statusCode: 400,
    });
    const { deliveries } = recordingDeliveries(failure);
    const { waits, worker } = fakeWorker();
    await expect(runNotifyJob(deliveries, worker, job({ kind: 'redraw', phase: 'M6' }))).rejects.toBe(
      failure,
    );
    expect(waits).toEqual([]);
  });

  it('lets any other failure through, for the job to be retried with backoff', async () => {
    const failure = new Error('socket hang up');
    const { deliveries } = recordingDeliveries(failure);
    const { waits, worker } = fakeWorker();
    await expect(runNotifyJob(deliveries, worker, job({ kind: 'redraw', phase: 'M6' }))).rejects.toBe(
      failure,
    );
    expect(waits).toEqual([]);
  });
});

/** A job as BullMQ hands it over on its `attemptsStarted`th run, recording its delays and data updates. */
function runningJob<T>(data: T, attemptsStarted: number) {
  const delays: unknown[][] = [];
  const updates: unknown[] = [];
  const running = Object.assign(job(data), {
    attemptsStarted,
    moveToDelayed: async (...args: unknown[]) => void delays.push(args),
    updateData: async function (this: Job<T>, next: T) {
      updates.push(next);
      this.data = next;
    },
  });
  return { running, delays, updates };
}

/** Deliveries whose every call meets a channel whose turn is taken for `waitMs`, as the messenger does. */
function pacedDeliveries(waitMs: number, postFirst = false): RolloutDeliveries {
  const paced = async () => {
    if (postFirst) notePosted();
    if (deferPaced(waitMs)) throw new MecError('slack_post_paced', `wait ${waitMs} ms`);
  };
  return { drawRollout: paced, postEntry: paced, postCard: paced, refreshHomes: paced, postReview: paced };
}

describe('runNotifyJob, when the channel was posted to too recently', () => {
  it('delays only this job for the rest of the interval, marking that it posted nothing', async () => {
    const { waits, worker } = fakeWorker();
    const { running, delays, updates } = runningJob<NotifyJob>(
      { kind: 'card', phase: 'M6', card: 'approvals' },
      1,
    );
    const before = Date.now();
    await expect(
      runNotifyJob(pacedDeliveries(800), worker, running, {
        earlierPending: async () => false,
        token: 'tok',
      }),
    ).rejects.toBeInstanceOf(DelayedError);
    // The queue itself is not held: no rate limit is set on the worker.
    expect(waits).toEqual([]);
    const [[until, token]] = delays as [[number, string]];
    expect(token).toBe('tok');
    expect(until - before).toBeGreaterThanOrEqual(800);
    expect(updates).toEqual([{ kind: 'card', phase: 'M6', card: 'approvals', unpostedAttempts: 1 }]);
  });

  it('brings a thread reply back a little after the turn frees, so a card waiting for it goes first', async () => {
    const card = runningJob<NotifyJob>({ kind: 'card', phase: 'M6', card: 'approvals' }, 1);
    const reply = runningJob<NotifyJob>({ kind: 'thread', phase: 'M6', rolloutId: 'R1', seq: 7 }, 1);
    const order = { earlierPending: async () => false, token: 'tok' };
    for (const { running } of [reply, card])
      await expect(
        runNotifyJob(pacedDeliveries(800), fakeWorker().worker, running, order),
      ).rejects.toBeInstanceOf(DelayedError);
    const [[replyAt]] = reply.delays as [[number]];
    const [[cardAt]] = card.delays as [[number]];
    expect(replyAt).toBeGreaterThan(cardAt);
  });

  it('treats the run after a paced attempt as a first attempt, and one after a post as a retry', async () => {
    const seen: boolean[] = [];
    const looking: RolloutDeliveries = {
      ...recordingDeliveries().deliveries,
      postCard: async () => void seen.push(isRetry()),
    };
    const data: NotifyJob = { kind: 'card', phase: 'M6', card: 'approvals' };
    await runNotifyJob(looking, fakeWorker().worker, runningJob({ ...data, unpostedAttempts: 1 }, 2).running);
    await runNotifyJob(looking, fakeWorker().worker, runningJob(data, 2).running);
    expect(seen).toEqual([false, true]);
    // An attempt that posted (the parent) before its card was paced leaves the next one a retry.
    const { running, updates } = runningJob(data, 1);
    await expect(
      runNotifyJob(pacedDeliveries(800, true), fakeWorker().worker, running, {
        earlierPending: async () => false,
        token: 'tok',
      }),
    ).rejects.toBeInstanceOf(DelayedError);
    expect(updates).toEqual([]);
  });
});

describe('runIncidentJob', () => {
  it.each([
    [{ kind: 'page', id: 'inc-1' }, ['page', 'inc-1']],
    [{ kind: 'redraw', id: 'inc-1' }, ['redraw', 'inc-1']],
    [{ kind: 'follow_up', id: 'inc-1', text: 'resolved' }, ['followUp', 'inc-1', 'resolved']],
  ] as Array<[IncidentJob, unknown[]]>)(
    'hands a %j delivery to the incident publisher',
    async (data, call) => {
      const calls: unknown[][] = [];
      const notifier = {
        page: async (id: string) => void calls.push(['page', id]),
        redraw: async (id: string) => void calls.push(['redraw', id]),
        followUp: async (id: string, text: string) => void calls.push(['followUp', id, text]),
      };
      expect(await runIncidentJob(notifier, fakeWorker().worker, job(data))).toBe(data.kind);
      expect(calls).toEqual([call]);
    },
  );

  it('waits out a 429 too: a page is never lost to a rate limit', async () => {
    const notifier = {
      page: async () => {
        throw rateLimited(2);
      },
      redraw: async () => undefined,
      followUp: async () => undefined,
    };
    const { waits, worker } = fakeWorker();
    await expect(runIncidentJob(notifier, worker, job({ kind: 'page', id: 'inc-1' }))).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect(waits).toEqual([2_000]);
  });
});
