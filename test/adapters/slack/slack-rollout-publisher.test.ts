import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEntry } from '../../../src/adapters/slack/slack-rollout-publisher.js';
import type { LedgerEntry } from '../../../src/domain/ledger-entry.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { describeRolloutPublisherContract } from '../../app/ports/rollout-publisher.contract.js';
import { POLICY, U_GOV, U_SRE } from '../../domain/fixtures.js';
import { type TestRedis, useTestRedis } from '../../support/redis.js';
import { parentPost, textOf } from '../../support/slack-find.js';
import {
  expectWithinSlackLimits,
  PEOPLE,
  RELEASE_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from '../../support/slack-harness.js';
import { startSlackPublishers } from '../../support/slack-publishers.js';
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

const entry = (body: Partial<LedgerEntry['body']>): LedgerEntry => ({
  seq: 12,
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
  body: {
    v: 1,
    at: '2025-10-21T13:40:00.000Z',
    phase: 'M6',
    rolloutId: 'R1',
    actor: U_GOV,
    action: 'override_gate',
    outcome: 'applied',
    reason: 'gate_overridden',
    before: null,
    after: null,
    detail: { message: `Gate x overridden by ${U_GOV}: <!channel> & more.` },
    ...body,
  },
});

describe('describeEntry, the thread reply for a ledger entry', () => {
  it('says who did what, the outcome, and the entry, escaping what was typed', () => {
    expect(describeEntry(entry({}), POLICY)).toBe(
      `<@${U_GOV}>: override gate → Gate x overridden by <@${U_GOV}>: &lt;!channel&gt; &amp; more. · ledger #12`,
    );
  });

  it("names the bot for its own work, and gives an approval's digest in full", () => {
    const digest = 'd'.repeat(64);
    const text = describeEntry(
      entry({ actor: 'mec-bot', action: 'approve', detail: { message: 'approved', facts: { digest } } }),
      POLICY,
    );
    expect(text).toBe(`mec-bot: approve → approved\nCommitment digest: \`${digest}\` · ledger #12`);
  });

  it('falls back on the reason code when the entry has no message', () => {
    expect(describeEntry(entry({ actor: U_SRE, detail: null }), undefined)).toBe(
      `<@${U_SRE}>: override gate → gate_overridden · ledger #12`,
    );
  });
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
