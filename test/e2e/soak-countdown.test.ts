import { beforeEach, describe, expect, it } from 'vitest';
import type { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { holdingSoaks, type JobsHarness, toReady, useJobsHarness } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { parentPost, textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();

// A minute-long soak whose countdown is redrawn every 300 ms instead of every minute.
const current = useJobsHarness(testRedis, (config) => {
  const held = holdingSoaks(config);
  return { ...held, jobs: { ...held.jobs, countdownInterval: 300 } };
});
let harness: JobsHarness;
let standIn: SlackApiStandIn;
beforeEach(() => {
  ({ harness, standIn } = current());
});

const COUNTDOWN = /5% soak ends (\d\d:\d\d:\d\d) UTC, ((?:\d+ min )?\d+ s) left/;

describe('a running soak', () => {
  it('has its rollout message redrawn on the countdown interval, so the time left moves while nothing else changes', async () => {
    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    const soaking = await harness.waitForState((state) => state.soak?.status === 'running');
    const parent = await parentPost(standIn);
    const version = (await harness.adapters.store.load(harness.config.phase)).version;
    const countdowns = () =>
      standIn
        .callsOf('chat.update')
        .filter((call) => call.args.ts === parent.reply.ts)
        .map((call) => textOf(call).match(COUNTDOWN))
        .filter((match) => match !== null);
    // Three different times left, all to the same end, with the rollout itself unchanged.
    await expect
      .poll(() => new Set(countdowns().map((match) => match[2])).size, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);
    const endsAt = new Date(soaking.soak?.endsAt ?? 0).toISOString().slice(11, 19);
    expect(new Set(countdowns().map((match) => match[1]))).toEqual(new Set([endsAt]));
    expect((await harness.adapters.store.load(harness.config.phase)).version).toBe(version);
  }, 120_000);
});
