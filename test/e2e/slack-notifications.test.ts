import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { POST_BURST } from '../../src/adapters/redis/redis-post-pacer.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { compressed, type JobsHarness, startJobsHarness } from '../support/jobs-harness.js';
import { type TestRedis, useTestRedis } from '../support/redis.js';
import { latestDrawing, parentPost, textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
let harness: JobsHarness;
let redis: TestRedis;
const INTERVAL_MS = 1_000;
/** How long the test holds the release channel's turn: longer than two commands and their redraws take. */
const HELD_MS = 15_000;

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  redis = testRedis();
  harness = await startJobsHarness(standIn, redis, {
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
  it('are posted to the channel no faster than a short burst and then one per notifyInterval, none lost', async () => {
    await harness.command(PEOPLE.releaseManager, 'start');
    const parent = await parentPost(standIn);
    for (const verb of ['pause', 'resume', 'pause', 'resume']) await harness.command(PEOPLE.sre, verb);
    await expect
      .poll(() => threadPosts(parent.reply.ts).filter((call) => /pause|resume/.test(textOf(call))).length, {
        timeout: 15_000,
      })
      .toBe(4);
    // Slack's per-channel limit counts posted messages: a burst of POST_BURST, then one per interval.
    // So any run of n posts spans at least (n - POST_BURST) intervals; half an interval is left for the
    // time a post spends between taking its place and reaching the stand-in.
    const posts = standIn
      .callsOf('chat.postMessage')
      .filter((call) => call.args.channel === harness.config.channels.release)
      .map((call) => call.at ?? 0);
    expect(posts.length).toBeGreaterThanOrEqual(POST_BURST + 2);
    for (let first = 0; first < posts.length; first++)
      for (let last = first + POST_BURST; last < posts.length; last++) {
        const span = (posts[last] ?? 0) - (posts[first] ?? 0);
        expect(span).toBeGreaterThanOrEqual((last - first + 1 - POST_BURST) * INTERVAL_MS - INTERVAL_MS / 2);
      }
  });

  it('hold back only posts to a channel whose turn is taken, never the redraws queued behind them', async () => {
    await harness.command(PEOPLE.releaseManager, 'start');
    const parent = await parentPost(standIn);
    await expect.poll(notifyJobsPending, { timeout: 15_000 }).toBe(0);
    // Other processes have spent the release channel's allowance for a while ahead.
    const turn = redisKeys(harness.prefix).slack('pace', harness.config.channels.release);
    const client = redis.connect();
    const [seconds] = await client.time();
    await client.hset(turn, { tokens: String(-HELD_MS / INTERVAL_MS), at: String(Number(seconds) * 1000) });
    await client.pexpire(turn, HELD_MS);
    const postsBefore = standIn.callsOf('chat.postMessage').length;
    const drawn = () => textOf(latestDrawing(standIn, parent));
    await harness.command(PEOPLE.sre, 'pause');
    await expect.poll(drawn, { timeout: 10_000 }).toContain('⏸ paused');
    // That redraw is over (a redraw still running would draw the resume itself, with no job of its own).
    const redraw = `redraw-${harness.config.phase}`;
    await expect
      .poll(() => harness.queues.notify.getDeduplicationJobId(redraw), { timeout: 10_000 })
      .toBeNull();
    // The resume's redraw is queued behind the pause's thread reply, which waits for the turn.
    await harness.command(PEOPLE.sre, 'resume');
    await expect.poll(drawn, { timeout: 10_000 }).not.toContain('⏸ paused');
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(postsBefore);
    expect(await client.pttl(turn)).toBeGreaterThan(0);
    await expect
      .poll(
        () => threadPosts(parent.reply.ts).filter((call) => /: (pause|resume)/.test(textOf(call))).length,
        { timeout: HELD_MS + 15_000 },
      )
      .toBe(2);
    const told = threadPosts(parent.reply.ts)
      .map(textOf)
      .filter((text) => /: (pause|resume)/.test(text));
    expect(told[0]).toMatch(/: pause/);
    expect(told[1]).toMatch(/: resume/);
  }, 60_000);

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
