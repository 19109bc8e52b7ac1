import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerCheckpoints } from '../../../src/app/ports/ledger-checkpoints.js';
import { transition } from '../../../src/app/transition.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { describeRolloutPublisherContract } from '../../app/ports/rollout-publisher.contract.js';
import { startEvent } from '../../domain/fixtures.js';
import { type TestRedis, useTestRedis } from '../../support/redis.js';
import { latestDrawing, parentPost, textOf } from '../../support/slack-find.js';
import {
  expectWithinSlackLimits,
  PEOPLE,
  RELEASE_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from '../../support/slack-harness.js';
import { type SlackPublishers, startSlackPublishers } from '../../support/slack-publishers.js';
import { useTeardown } from '../../support/teardown.js';

const testRedis = useTestRedis();
const teardown = useTeardown();

describeRolloutPublisherContract('slack', async () => {
  const slack = await startSlackPublishers(testRedis(), teardown);
  return {
    publisher: slack.rollouts,
    standIn: slack.standIn,
    store: slack.store,
    releaseChannel: RELEASE_CHANNEL,
    // Told directly, the publisher has finished with Slack once its promise resolves.
    settled: async () => undefined,
  };
});

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

describe('the checkpoint on the thread notes and the rollout message', () => {
  const ROOT = Buffer.alloc(32, 0xc4);
  /** Signed up to `size`: asked to cover a later entry, it answers that none does, as signing that fails would. */
  const signedUpTo = (size: number, asked: Array<number | undefined> = []): LedgerCheckpoints => ({
    latest: async (seq) => {
      asked.push(seq);
      return seq === undefined || seq <= size ? { origin: 'mec.test/ledger', size, root: ROOT } : undefined;
    },
  });

  async function startedAndPublished(slack: SlackPublishers) {
    const result = await transition({ store: slack.store, now: slack.now }, 'M6', startEvent());
    await slack.rollouts.published('M6', result);
    return result;
  }

  const threadNotes = (slack: SlackPublishers) =>
    slack.standIn
      .callsOf('chat.postMessage')
      .filter((call) => call.args.thread_ts !== undefined)
      .map((call) => String(call.args.text));

  it('ends a thread note with the checkpoint that covers its entry, and draws the newest one on the message', async () => {
    const asked: Array<number | undefined> = [];
    const slack = await startSlackPublishers(testRedis(), teardown, { checkpoints: signedUpTo(3, asked) });
    await startedAndPublished(slack);
    expect(threadNotes(slack)).toEqual([
      expect.stringMatching(/ · ledger #1 · checkpoint #3 `c4c4c4c4c4c4…`$/),
    ]);
    expect(asked).toContain(1);
    const parent = await parentPost(slack.standIn);
    expect(textOf(latestDrawing(slack.standIn, parent))).toContain('Ledger: #1 `');
    expect(textOf(latestDrawing(slack.standIn, parent))).toContain('· checkpoint #3 `c4c4c4c4c4c4…`');
    expectWithinSlackLimits(slack.standIn.calls);
  });

  it('names the checkpoint on a note the notify job posts for an entry', async () => {
    const slack = await startSlackPublishers(testRedis(), teardown, { checkpoints: signedUpTo(1) });
    expect(await transition({ store: slack.store, now: slack.now }, 'M6', startEvent())).toMatchObject({
      entry: { seq: 1 },
    });
    await slack.rollouts.postEntry('M6', 'R1', 1);
    expect(threadNotes(slack)).toEqual([
      expect.stringMatching(/ · ledger #1 · checkpoint #1 `c4c4c4c4c4c4…`$/),
    ]);
  });

  it('posts the note saying the entry is not checkpointed yet when no checkpoint covers it, or none comes in time', async () => {
    const never: LedgerCheckpoints = { latest: () => new Promise(() => undefined) };
    const failing: LedgerCheckpoints = { latest: async () => Promise.reject(new Error('anchor down')) };
    for (const checkpoints of [signedUpTo(0), never, failing]) {
      const slack = await startSlackPublishers(testRedis(), teardown, { checkpoints, checkpointWaitMs: 20 });
      await startedAndPublished(slack);
      expect(threadNotes(slack)).toEqual([expect.stringMatching(/ · ledger #1 · not checkpointed yet$/)]);
    }
  });
});
