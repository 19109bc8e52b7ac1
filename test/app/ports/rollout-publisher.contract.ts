import { describe, expect, it } from 'vitest';
import type { RolloutPublisher } from '../../../src/app/ports/rollout-publisher.js';
import type { RolloutStore } from '../../../src/app/ports/rollout-store.js';
import { type TransitionResult, transition } from '../../../src/app/transition.js';
import type { RolloutEvent } from '../../../src/domain/rollout-event.js';
import type { CheckName, RolloutState } from '../../../src/domain/rollout-state.js';
import type { WeeklyReview } from '../../../src/domain/weekly-review.js';
import type { RecordedCall, SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { minutes, startEvent, T0 } from '../../domain/fixtures.js';
import { latestDrawing, textOf } from '../../support/slack-find.js';

export interface RolloutPublisherAdapters {
  publisher: RolloutPublisher;
  /** Where the publisher's Slack calls land, through Bolt's client. */
  standIn: SlackApiStandIn;
  /** The store the publisher reads the rollout from. */
  store: RolloutStore;
  releaseChannel: string;
  /** Resolves once everything published so far has reached Slack (at once, for a publisher that waits for Slack). */
  settled(): Promise<void>;
}

const REVIEW: WeeklyReview = {
  from: '2025-10-14T00:00:00.000Z',
  to: '2025-10-21T00:00:00.000Z',
  warnings: [{ alarm: 'eval_cost_spike', at: '2025-10-15T09:30:00.000Z', summary: 'cost up 40%' }],
  rollbacks: [],
  preventedIncidents: 0,
  gates: { opened: 0, closed: 0, overridden: 0 },
  approvals: { recorded: 4, rejected: 0 },
};

const posts = (standIn: SlackApiStandIn, channel: string) =>
  standIn.callsOf('chat.postMessage').filter((call) => call.args.channel === channel);
const topLevel = (calls: RecordedCall[]) => calls.filter((call) => call.args.thread_ts === undefined);

/** What every RolloutPublisher must do, run against each implementation. */
export function describeRolloutPublisherContract(
  name: string,
  make: () => Promise<RolloutPublisherAdapters>,
): void {
  describe(`${name}: the rollout publisher contract`, () => {
    const apply = async (adapters: RolloutPublisherAdapters, event: RolloutEvent, at = T0) =>
      transition({ store: adapters.store, now: () => at }, 'M6', event);
    const passed = async (adapters: RolloutPublisherAdapters, check: CheckName, at = T0) => {
      const state = (await adapters.store.load('M6')).state as RolloutState;
      const runId = state.checks[check].runId ?? 'none';
      const event: RolloutEvent = { type: 'check_finished', check, runId, passed: true, summary: 'ok' };
      return { event, result: await apply(adapters, event, at) };
    };

    it('draws the rollout message and posts the transition in its thread, once, even when published twice', async () => {
      const adapters = await make();
      const { publisher, standIn, releaseChannel } = adapters;
      const result = await apply(adapters, startEvent());
      expect(result).toMatchObject({ outcome: 'applied', entry: { seq: 1 } });
      await publisher.published('M6', result, startEvent());
      await publisher.published('M6', result, startEvent());
      await adapters.settled();
      const parents = topLevel(posts(standIn, releaseChannel));
      expect(parents).toHaveLength(1);
      const parent = parents[0] as RecordedCall;
      expect(textOf(latestDrawing(standIn, parent))).toContain('MEC M6 rollout · R1');
      const replies = posts(standIn, releaseChannel).filter(
        (call) => call.args.thread_ts === parent.reply.ts,
      );
      expect(replies.map(textOf).filter((text) => text.includes('ledger #1'))).toHaveLength(1);
    });

    it('posts the card a transition asks for once, even when published twice', async () => {
      const adapters = await make();
      const { publisher, standIn, releaseChannel } = adapters;
      await apply(adapters, startEvent());
      for (const check of ['preflight', 'backup', 'rehearsal'] as const) await passed(adapters, check);
      const smoke = await passed(adapters, 'smoke', minutes(31));
      expect(smoke.result.effects).toEqual([{ kind: 'post_card', card: 'go_no_go' }]);
      await publisher.published('M6', smoke.result, smoke.event);
      await publisher.published('M6', smoke.result, smoke.event);
      await adapters.settled();
      const cards = posts(standIn, releaseChannel).filter((call) =>
        textOf(call).includes('record the go/no-go'),
      );
      expect(cards).toHaveLength(1);
    });

    it('redraws the rollout message from the stored state', async () => {
      const adapters = await make();
      const { publisher, standIn, releaseChannel } = adapters;
      const started = await apply(adapters, startEvent());
      await publisher.published('M6', started, startEvent());
      await adapters.settled();
      expect((await passed(adapters, 'preflight')).result).toMatchObject({ outcome: 'applied', version: 2 });
      await publisher.redraw('M6');
      await adapters.settled();
      const [parent] = topLevel(posts(standIn, releaseChannel));
      expect(textOf(latestDrawing(standIn, parent as RecordedCall))).toContain('version 2');
    });

    it('tells nothing of a transition that lost a race', async () => {
      const adapters = await make();
      await apply(adapters, startEvent());
      const lost: TransitionResult = {
        outcome: 'conflict',
        reason: 'conflict',
        message: 'the rollout changed',
        effects: [],
        version: 1,
      };
      await adapters.publisher.published('M6', lost, startEvent());
      await adapters.settled();
      expect(adapters.standIn.calls.filter((call) => call.method.startsWith('chat.'))).toEqual([]);
    });

    it('posts the approval card in the rollout thread, and to the release channel', async () => {
      const adapters = await make();
      const { publisher, standIn, releaseChannel } = adapters;
      await apply(adapters, startEvent());
      await publisher.postApprovalCard('M6');
      await adapters.settled();
      const cards = posts(standIn, releaseChannel).filter((call) => textOf(call).includes('mec_approve'));
      expect(cards).toHaveLength(1);
      const [parent] = topLevel(posts(standIn, releaseChannel));
      expect(cards[0]?.args).toMatchObject({ thread_ts: parent?.reply.ts, reply_broadcast: 'true' });
      expect(textOf(cards[0] as RecordedCall)).toContain('Approvals · MEC M6');
    });

    it('posts the weekly review to the release channel, outside any thread', async () => {
      const adapters = await make();
      const { publisher, standIn, releaseChannel } = adapters;
      await publisher.postReview('M6', REVIEW);
      await adapters.settled();
      const reviews = posts(standIn, releaseChannel).filter((call) =>
        textOf(call).includes('Weekly governance review for M6'),
      );
      expect(reviews).toHaveLength(1);
      expect(reviews[0]?.args.thread_ts).toBeUndefined();
      expect(textOf(reviews[0] as RecordedCall)).toContain('eval_cost_spike');
    });
  });
}
