import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { type TestRedis, useTestRedis } from '../../support/redis.js';
import { parentPost, textOf } from '../../support/slack-find.js';
import {
  expectWithinSlackLimits,
  PEOPLE,
  type SlackHarness,
  startSlackHarness,
} from '../../support/slack-harness.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
let harness: SlackHarness;
let redis: TestRedis;

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  redis = testRedis();
  harness = await startSlackHarness(standIn, redis);
});

afterEach(async () => {
  expectWithinSlackLimits(standIn.calls);
  await harness.close();
  await standIn.stop();
});

describe('one parent message, whichever process made the transition', () => {
  it('is redrawn by a second process that handled the click', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    const parent = await parentPost(standIn);
    // Another process: its own Bolt app, HTTP server and Redis connection, on the same Redis and workspace.
    const second = await startSlackHarness(standIn, redis, { workspace: harness.workspace });
    try {
      const since = standIn.calls.length;
      const { responseId } = await second.command(PEOPLE.sre, 'pause');
      expect(String((await second.responses(responseId)).args.text)).toContain('Rollout paused');
      const redraw = await standIn.waitFor(
        (call) => call.method === 'chat.update' && call.args.ts === parent.reply.ts,
        5_000,
        since,
      );
      expect(textOf(redraw)).toContain('paused');
      expect(
        standIn.callsOf('chat.postMessage').filter((call) => call.args.thread_ts === undefined),
      ).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
