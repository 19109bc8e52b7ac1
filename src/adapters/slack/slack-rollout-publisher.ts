import { randomUUID } from 'node:crypto';
import type { Ledger } from '../../app/ports/ledger.js';
import type { LedgerCheckpoints } from '../../app/ports/ledger-checkpoints.js';
import { DRAWING, type MessageRef, type MessageRefs } from '../../app/ports/message-refs.js';
import type { RolloutPublisher } from '../../app/ports/rollout-publisher.js';
import type { RolloutStore, StoredRollout } from '../../app/ports/rollout-store.js';
import type { RolloutDeliveries } from '../../app/ports/slack-deliveries.js';
import type { TransitionResult } from '../../app/ports/transition-result.js';
import type { Checkpoint } from '../../domain/checkpoint-note.js';
import { MecError } from '../../domain/errors.js';
import type { WeeklyReview } from '../../domain/weekly-review.js';
import type { Logger } from '../../infra/logger.js';
import { checkpointWithin } from './checkpoint-within.js';
import type { SlackMessenger } from './slack-messenger.js';
import { approvalCard, goNoGoCard } from './views/cards.js';
import { describeEntry } from './views/describe-entry.js';
import { homeView } from './views/home-view.js';
import { textReply } from './views/replies.js';
import { reviewDigest } from './views/review-digest.js';
import { type DashboardInput, rolloutMessage } from './views/rollout-dashboard.js';

export interface SlackPublisherDeps {
  messenger: SlackMessenger;
  refs: MessageRefs;
  store: Pick<RolloutStore, 'load'>;
  ledger: Ledger;
  /** The ledger's signed checkpoints, named on every thread note and on the rollout message. */
  checkpoints: LedgerCheckpoints;
  /** How long a thread note waits for a checkpoint to cover its entry, in ms; default 5,000. */
  checkpointWaitMs?: number;
  artifactRoot: () => Promise<string>;
  alarms: DashboardInput['alarms'];
  releaseChannel: string;
  now: () => Date;
  logger: Logger;
}

/** How long after opening App Home a person's view is still kept up to date. */
const HOME_FRESH_MS = 24 * 3_600_000;

/** How long to wait for another process to post the rollout message it claimed. */
const PARENT_WAIT_MS = 10_000;

/** How long a thread note waits for a checkpoint that covers its entry, in ms. */
const CHECKPOINT_WAIT_MS = 5_000;

/** How many posts `published` remembers having made, so that telling it again posts nothing. */
const TOLD_KEPT = 1_000;

/**
 * Keeps Slack in step with the rollout: one parent message per rollout in the release channel, redrawn
 * from the stored state after every transition (whichever process made it), details in its thread, the
 * cards the lifecycle asks for, and App Home. Its methods are what the notify jobs run; `published`
 * runs them all at once where no queue is used.
 */
export class SlackRolloutPublisher implements RolloutPublisher, RolloutDeliveries {
  readonly #deps: SlackPublisherDeps;
  readonly #token = randomUUID();
  /** The posts `published` made, named as QueuedPublisher names their jobs; oldest first. */
  readonly #told = new Set<string>();

  constructor(deps: SlackPublisherDeps) {
    this.#deps = deps;
  }

  async published(phase: string, result: TransitionResult): Promise<void> {
    if (result.outcome === 'conflict' || !result.state) return;
    const { rolloutId } = result.state;
    await this.redraw(phase);
    const { entry } = result;
    if (entry)
      await this.#once(`thread-${entry.seq}`, async () => {
        const text = describeEntry(entry, result.state?.policy, await this.#checkpointFor(entry.seq));
        await this.postThread(phase, rolloutId, text, `thread-${entry.seq}`);
      });
    for (const effect of result.effects) {
      if (effect.kind === 'post_card') {
        const id = `card-${effect.card}-${rolloutId}-${result.version}`;
        await this.#once(id, () => this.postCard(phase, effect.card, id));
      }
    }
    await this.#deps.refs.markDirty(DRAWING.homes(phase));
    await this.refreshHomes(phase);
  }

  async postApprovalCard(phase: string): Promise<void> {
    await this.postCard(phase, 'approvals');
  }

  /**
   * Draws the rollout message, and every card posted for the rollout, from the latest state, posting the
   * message first if it does not exist yet.
   */
  async redraw(phase: string): Promise<void> {
    await this.#deps.refs.markDirty(DRAWING.rollout(phase));
    await this.#drawRollout(phase);
  }

  /**
   * The notify job's drawing: the mark it was queued with stays as it is (a drawing to be resumed after
   * a 429 skips the messages that landed), and is set only if none is left, e.g. one that lapsed.
   */
  async drawRollout(phase: string): Promise<void> {
    await this.#deps.refs.markDirtyUnlessMarked(DRAWING.rollout(phase));
    await this.#drawRollout(phase);
  }

  async #drawRollout(phase: string): Promise<void> {
    // Each message is a part of the drawing: one retried after a 429 sends only the messages left.
    await this.#deps.refs.drawWhileDirty(DRAWING.rollout(phase), this.#token, async (part) => {
      const input = await this.dashboard(phase);
      if (!input) return;
      const { state, version } = input;
      const parent = await this.#ensureParent(phase, state.rolloutId);
      if (parent)
        await part(parent.ts, () =>
          this.#deps.messenger.update(parent.channel, parent.ts, rolloutMessage(input)),
        );
      const root = input.artifactRoot;
      if (root) {
        for (const card of await this.#deps.refs.cards(state.rolloutId, 'approvals')) {
          await part(card.ts, () =>
            this.#deps.messenger.update(card.channel, card.ts, approvalCard(state, root, this.#deps.now())),
          );
        }
      }
      for (const card of await this.#deps.refs.cards(state.rolloutId, 'go_no_go')) {
        await part(card.ts, () =>
          this.#deps.messenger.update(card.channel, card.ts, goNoGoCard(state, version)),
        );
      }
    });
  }

  async postEntry(phase: string, rolloutId: string, seq: number): Promise<void> {
    const [[entry], { state }] = await Promise.all([
      this.#deps.ledger.read(seq),
      this.#deps.store.load(phase),
    ]);
    if (entry?.seq !== seq) return;
    const text = describeEntry(entry, state?.policy, await this.#checkpointFor(seq));
    await this.postThread(phase, rolloutId, text, `thread-${seq}`);
  }

  /**
   * The checkpoint covering entry `seq` (without one, the newest). A post is never failed for want of
   * one, nor held back long: it then says the entry is not checkpointed yet.
   */
  #checkpointFor(seq: number | undefined): Promise<Checkpoint | undefined> {
    const waitMs = this.#deps.checkpointWaitMs ?? CHECKPOINT_WAIT_MS;
    return checkpointWithin(this.#deps.checkpoints, seq, waitMs).catch((error: Error) => {
      this.#deps.logger.warn({ seq, err: error.message }, 'reading the ledger checkpoint failed');
      return undefined;
    });
  }

  /** Posts `text` in the rollout's thread; `deliveryId` names the post, so a retry makes it once. */
  async postThread(phase: string, rolloutId: string, text: string, deliveryId?: string): Promise<void> {
    const parent = await this.#ensureParent(phase, rolloutId);
    const delivery = deliveryId ? { id: deliveryId } : undefined;
    if (parent) await this.#deps.messenger.post(parent.channel, textReply(text), { ts: parent.ts }, delivery);
  }

  async postCard(phase: string, card: 'go_no_go' | 'approvals', deliveryId?: string): Promise<void> {
    const { state, version } = await this.#deps.store.load(phase);
    if (!state) return;
    const parent = await this.#ensureParent(phase, state.rolloutId);
    const thread = parent ? { ts: parent.ts, broadcast: true } : undefined;
    const message =
      card === 'approvals'
        ? approvalCard(state, await this.#deps.artifactRoot(), this.#deps.now())
        : goNoGoCard(state, version);
    const { ts } = await this.#deps.messenger.post(this.#deps.releaseChannel, message, thread, {
      id: deliveryId ?? `card-${card}-${state.rolloutId}-${version}`,
    });
    await this.#deps.refs.addCard(state.rolloutId, card, { channel: this.#deps.releaseChannel, ts });
  }

  /** Posts the weekly review to the release channel, outside any rollout's thread. */
  async postReview(phase: string, review: WeeklyReview): Promise<void> {
    await this.#deps.messenger.post(this.#deps.releaseChannel, reviewDigest(phase, review), undefined, {
      id: `review-${phase}-${review.to}`,
    });
  }

  /** Draws App Home for one person, now. */
  async publishHome(phase: string, userId: string): Promise<void> {
    await this.#deps.refs.sawHome(userId, this.#deps.now().getTime());
    await this.#deps.messenger.publishHome(userId, homeView(await this.dashboard(phase)));
  }

  /** Redraws App Home for everyone who opened it recently. */
  async refreshHomes(phase: string): Promise<void> {
    await this.#deps.refs.drawWhileDirty(DRAWING.homes(phase), this.#token, async () => {
      const viewers = await this.#deps.refs.homeViewers(this.#deps.now().getTime() - HOME_FRESH_MS);
      if (viewers.length === 0) return;
      const view = homeView(await this.dashboard(phase));
      for (const userId of viewers) {
        await this.#deps.messenger
          .publishHome(userId, view)
          .catch((error: Error) =>
            this.#deps.logger.warn({ userId, err: error.message }, 'App Home refresh failed'),
          );
      }
    });
  }

  /** What the dashboard shows, read fresh from Redis and the workspace; `rollout` when just read already. */
  async dashboard(phase: string, rollout?: StoredRollout): Promise<DashboardInput | undefined> {
    const { state, version } = rollout ?? (await this.#deps.store.load(phase));
    if (!state) return undefined;
    const [artifactRoot, ledgerHead, checkpoint] = await Promise.all([
      this.#deps.artifactRoot().catch(() => undefined),
      this.#deps.ledger.head(),
      this.#checkpointFor(undefined),
    ]);
    return {
      state,
      version,
      now: this.#deps.now(),
      alarms: this.#deps.alarms,
      ledgerHead,
      ...(artifactRoot ? { artifactRoot } : {}),
      ...(checkpoint ? { checkpoint } : {}),
    };
  }

  /**
   * Posts unless `post` was made already. Told directly there is no queue whose job ids make a second
   * telling a no-op, and there is one publisher per process then, so remembering here is enough.
   */
  async #once(post: string, make: () => Promise<void>): Promise<void> {
    if (this.#told.has(post)) return;
    await make();
    this.#told.add(post);
    for (const oldest of this.#told) {
      if (this.#told.size <= TOLD_KEPT) break;
      this.#told.delete(oldest);
    }
  }

  /**
   * The rollout's parent message, posted by whichever process claims it first. Another process that
   * finds the claim taken waits for the post, so its thread reply or card is not lost.
   */
  async #ensureParent(phase: string, rolloutId: string): Promise<MessageRef | undefined> {
    const deadline = Date.now() + PARENT_WAIT_MS;
    while (Date.now() < deadline) {
      const existing = await this.#deps.refs.get(rolloutId);
      if (existing) return existing;
      if (await this.#deps.refs.claimParent(rolloutId)) {
        const input = await this.dashboard(phase);
        if (!input) return undefined;
        // Looked for first, always: a post that timed out in another process, whose claim then
        // lapsed, may have landed. A post that fails gives the claim up for the retry.
        const { ts } = await this.#deps.messenger
          .post(this.#deps.releaseChannel, rolloutMessage(input), undefined, {
            id: `parent-${rolloutId}`,
            lookFirst: true,
          })
          .catch(async (error: unknown) => {
            await this.#deps.refs.releaseParent(rolloutId);
            throw error;
          });
        const ref = { channel: this.#deps.releaseChannel, ts };
        await this.#deps.refs.setParent(rolloutId, ref);
        return ref;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // Thrown, not skipped: the reply or card waiting on the message is retried instead of lost.
    throw new MecError(
      'slack_parent_pending',
      `the rollout message of ${rolloutId} was claimed but not posted within ${PARENT_WAIT_MS} ms; the job retries`,
    );
  }
}
