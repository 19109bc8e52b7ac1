import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackApiStandIn, type SlackFault } from '../../src/sandbox/slack-api-stand-in.js';
import { type JobsHarness, startJobsHarness } from '../support/jobs-harness.js';
import { type TestRedis, useTestRedis } from '../support/redis.js';
import { parentPost } from '../support/slack-find.js';
import { slackFront } from '../support/slack-front.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
let harness: JobsHarness | undefined;
const cleanups: Array<() => Promise<unknown>> = [];

/** A call that hangs is given up after this long; Slack's client would wait 10 s. */
const CALL_TIMEOUT_MS = 1_000;
const VERBS = ['pause', 'resume', 'pause', 'resume'];

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
});

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await standIn.stop();
});

let redis: TestRedis;

async function start(slackApiUrl?: string, slackTimeoutMs = CALL_TIMEOUT_MS): Promise<JobsHarness> {
  redis = testRedis();
  harness = await startJobsHarness(standIn, redis, {
    slackTimeoutMs,
    ...(slackApiUrl ? { slackApiUrl } : {}),
  });
  return harness;
}

/** Notify jobs not finished yet: waiting, delayed (a retry after a failure) or running. */
async function notifyPending(bot: JobsHarness): Promise<number> {
  const counts = await bot.queues.notify.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** The ledger numbers of the replies in the rollout's thread, in the order Slack holds them. */
function threadSeqs(parentTs: string): number[] {
  return [...standIn.messages.values()]
    .filter((message) => message.threadTs === parentTs)
    .map((message) => ({ order: Number(message.ts), seq: /ledger #(\d+)/.exec(message.text)?.[1] }))
    .sort((a, b) => a.order - b.order)
    .map(({ seq }) => Number(seq));
}

/** Starts a rollout and waits until its first thread replies are out, so faults hit only what follows. */
async function startRollout(bot: JobsHarness): Promise<string> {
  await bot.command(PEOPLE.releaseManager, 'start');
  const parent = String((await parentPost(standIn)).reply.ts);
  await expect.poll(() => notifyPending(bot), { timeout: 15_000 }).toBe(0);
  return parent;
}

/** Sends the four verbs and returns the ledger numbers of the entries they made. */
async function pauseAndResume(bot: JobsHarness): Promise<number[]> {
  const before = (await bot.adapters.ledger.read()).length;
  for (const verb of VERBS) await bot.command(PEOPLE.sre, verb);
  // The rollout goes on meanwhile (its checks, the ramp), and those entries are told in the thread too.
  const entries = (await bot.adapters.ledger.read())
    .slice(before)
    .filter((entry) => VERBS.includes(entry.body.action));
  expect(entries.map((entry) => entry.body.action)).toEqual(VERBS);
  return entries.map((entry) => entry.seq);
}

/** Every thread reply posted once, in ledger order, and nothing left to post. */
async function expectEachOnceInOrder(bot: JobsHarness, parentTs: string, seqs: number[]): Promise<void> {
  await expect
    .poll(() => seqs.filter((seq) => threadSeqs(parentTs).includes(seq)).length, { timeout: 30_000 })
    .toBe(seqs.length);
  // A duplicate could only come from a notify job still to run.
  await expect.poll(() => notifyPending(bot), { timeout: 30_000 }).toBe(0);
  const posted = threadSeqs(parentTs);
  expect(posted.filter((seq) => seqs.includes(seq))).toEqual(seqs);
  expect(new Set(posted).size).toBe(posted.length);
  expect(posted).toEqual([...posted].sort((a, b) => a - b));
}

describe('each Slack message is posted exactly once and in ledger order', () => {
  it.each<[string, SlackFault[]]>([
    ['a post Slack accepts but never answers', ['accept_then_hang']],
    ['posts answered 500', ['http_500', 'http_500']],
    ['a post answered internal_error after it was made', ['accept_then_internal_error']],
  ])(
    'through %s',
    async (_name, faults) => {
      const bot = await start();
      const parentTs = await startRollout(bot);
      standIn.faults.set('chat.postMessage', [...faults]);
      const seqs = await pauseAndResume(bot);
      await expectEachOnceInOrder(bot, parentTs, seqs);
      expect(standIn.faults.get('chat.postMessage')).toEqual([]);
    },
    90_000,
  );

  it('through a rollout message whose first post is answered 500: it and its first reply, once each', async () => {
    const bot = await start();
    standIn.faults.set('chat.postMessage', ['http_500']);
    await bot.command(PEOPLE.releaseManager, 'start');
    const started = (await bot.adapters.ledger.read()).find((entry) => entry.body.action === 'start');
    await expect.poll(() => notifyPending(bot), { timeout: 30_000 }).toBe(0);
    const parents = [...standIn.messages.values()].filter(
      (message) => message.channel === bot.config.channels.release && message.threadTs === undefined,
    );
    expect(parents).toHaveLength(1);
    await expectEachOnceInOrder(bot, String(parents[0]?.ts), [Number(started?.seq)]);
    expect(standIn.callsOf('chat.postMessage (500)')).toHaveLength(1);
  }, 90_000);

  it('through a 429 with Retry-After', async () => {
    const bot = await start();
    const parentTs = await startRollout(bot);
    standIn.rateLimits.set('chat.postMessage', { times: 2, retryAfterSec: 1 });
    const seqs = await pauseAndResume(bot);
    await expectEachOnceInOrder(bot, parentTs, seqs);
    expect(standIn.callsOf('chat.postMessage (429)')).toHaveLength(2);
  }, 90_000);

  it('through a hang whose lookup fails too: the retry looks for the post before making it again', async () => {
    const bot = await start();
    const parentTs = await startRollout(bot);
    standIn.faults.set('chat.postMessage', ['accept_then_hang']);
    standIn.faults.set('conversations.replies', ['http_500']);
    const seqs = await pauseAndResume(bot);
    await expectEachOnceInOrder(bot, parentTs, seqs);
    expect(standIn.callsOf('conversations.replies (500)')).toHaveLength(1);
    // The retry found the first post by its delivery id, in the message metadata.
    const first = [...standIn.messages.values()].find((message) =>
      message.text.includes(`ledger #${seqs[0]}`),
    );
    expect(first?.metadata).toEqual({
      event_type: 'mec_delivery',
      event_payload: { delivery_id: `thread-${seqs[0]}` },
    });
  }, 90_000);

  it('through a hang of a card whose rollout changes before the retry: the card is posted once', async () => {
    const bot = await start();
    await startRollout(bot);
    const cards = () =>
      [...standIn.messages.values()].filter((message) => message.text.startsWith('Approvals for MEC'));
    const before = cards().length;
    // The lookup right after the hang fails too, so the job's own retry is what looks again.
    standIn.faults.set('chat.postMessage', ['accept_then_hang']);
    standIn.faults.set('conversations.replies', ['http_500']);
    await bot.command(PEOPLE.releaseManager, 'approvals');
    await expect.poll(() => cards().length, { timeout: 15_000 }).toBe(before + 1);
    // The card landed but its answer never came; a pause moves the rollout on before the job's retry.
    await bot.command(PEOPLE.sre, 'pause');
    await expect.poll(() => notifyPending(bot), { timeout: 30_000 }).toBe(0);
    expect(cards()).toHaveLength(before + 1);
    expect(standIn.callsOf('conversations.replies (500)')).toHaveLength(1);
  }, 90_000);

  it('through a refused connection', async () => {
    const front = await slackFront(standIn, 1);
    front.set('up');
    cleanups.push(() => front.close());
    const bot = await start(front.url);
    const parentTs = await startRollout(bot);
    await front.close();
    const seqs = await pauseAndResume(bot);
    // The notify queue is waiting out the outage before it tries again.
    await expect.poll(() => bot.queues.notify.getRateLimitTtl(), { timeout: 15_000 }).toBeGreaterThan(0);
    await front.open();
    await expectEachOnceInOrder(bot, parentTs, seqs);
  }, 90_000);

  it('with a second notify worker, a later reply waits while an earlier one is retried', async () => {
    const front = await slackFront(standIn, 1);
    front.set('up');
    cleanups.push(() => front.close());
    // Calls are held here for as long as the test needs, so they must not time out meanwhile.
    const bot = await start(front.url, 10_000);
    const second = await startJobsHarness(standIn, redis, { slackApiUrl: front.url });
    cleanups.push(() => second.close());
    const parentTs = await startRollout(bot);
    const held = front.holdOne(
      (method, body) =>
        method === 'chat.postMessage' && new URLSearchParams(body).get('text')?.includes(': pause') === true,
    );
    const seqs = await pauseAndResume(bot);
    const [pause, resume] = seqs as [number, number];
    const { fail } = await held;
    // The other worker is free: the resume reply is either posted already (out of order) or held back.
    await expect
      .poll(
        async () => {
          if (threadSeqs(parentTs).includes(resume)) return true;
          const job = await bot.queues.notify.getJob(`thread-${resume}`);
          return job ? job.isDelayed() : false;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    fail();
    await expectEachOnceInOrder(bot, parentTs, seqs);
    expect(threadSeqs(parentTs).indexOf(pause)).toBeLessThan(threadSeqs(parentTs).indexOf(resume));
  }, 90_000);
});
