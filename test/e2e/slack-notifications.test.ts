import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { compressed, type JobsHarness, startJobsHarness } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { parentPost, textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
let harness: JobsHarness;
const INTERVAL_MS = 300;

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  harness = await startJobsHarness(standIn, testRedis(), {
    configure: (config) => ({
      ...compressed(config),
      jobs: { notifyInterval: INTERVAL_MS, lockDuration: 2_000, pageDeadline: 2_000, outboxInterval: 100 },
    }),
  });
});

afterEach(async () => {
  await harness.close();
  await standIn.stop();
});

/** Notify jobs not finished yet: waiting, delayed (a retry after a failure) or running. */
const notifyJobsPending = async () => {
  const counts = await harness.queues.notify.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
};

const threadPosts = (parentTs: unknown) =>
  standIn.calls.filter((call) => call.method === 'chat.postMessage' && call.args.thread_ts === parentTs);

describe('Slack notifications', () => {
  it('are posted to the channel no faster than one per notifyInterval, none lost', async () => {
    await harness.command(PEOPLE.releaseManager, 'start');
    const parent = await parentPost(standIn);
    for (const verb of ['pause', 'resume', 'pause', 'resume']) await harness.command(PEOPLE.sre, verb);
    await expect
      .poll(() => threadPosts(parent.reply.ts).filter((call) => /pause|resume/.test(textOf(call))).length, {
        timeout: 15_000,
      })
      .toBe(4);
    // Slack's per-channel limit counts posted messages.
    const posts = standIn.callsOf('chat.postMessage').map((call) => call.at ?? 0);
    expect(posts.length).toBeGreaterThanOrEqual(5);
    // The limiter spaces the jobs' starts; each job posts some time after it starts (the first also
    // looks for itself in the channel), and on a loaded machine that time varies, so two neighbours can
    // sit closer than the interval. Across two intervals they cannot: without the limiter, posts come
    // about 20 ms apart, and every third post would be well inside one interval.
    const spans = posts.slice(2).map((at, index) => at - (posts[index] ?? 0));
    expect(Math.min(...spans)).toBeGreaterThanOrEqual(INTERVAL_MS);
  });

  it('wait out a 429 for its Retry-After, then deliver the message once', async () => {
    await harness.command(PEOPLE.releaseManager, 'start');
    const parent = await parentPost(standIn);
    await expect
      .poll(() => threadPosts(parent.reply.ts).length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(1);
    standIn.rateLimits.set('chat.postMessage', { times: 1, retryAfterSec: 1 });
    await harness.command(PEOPLE.sre, 'pause');
    const limited = await standIn.waitFor((call) => call.method === 'chat.postMessage (429)', 10_000);
    const delivered = await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && textOf(call).includes('Rollout paused'),
      10_000,
    );
    expect((delivered.at ?? 0) - (limited.at ?? 0)).toBeGreaterThanOrEqual(950);
    // A second delivery could only come from a notify job still to run (a retry is a delayed job).
    await expect.poll(notifyJobsPending, { timeout: 10_000 }).toBe(0);
    expect(
      threadPosts(parent.reply.ts).filter((call) => textOf(call).includes('Rollout paused')),
    ).toHaveLength(1);
  });
});
