import type { types, webApi } from '@slack/bolt';
import type { PostKind, PostPacer } from '../../app/ports/post-pacer.js';
import { MecError } from '../../domain/errors.js';
import { deferPaced, isRetry, notePosted } from '../../infra/job-attempt.js';
import type { Logger } from '../../infra/logger.js';
import { isSlackSideFailure } from '../../infra/slack-side-failure.js';
import { DELIVERY_EVENT, lookForDelivery } from './find-delivery.js';
import type { SlackMessage } from './views/blocks.js';

/**
 * What a post is, so that a post made again is recognised: `id` goes into the message's metadata, and
 * before a retry (or always, with `lookFirst`) the messenger looks for a message carrying it.
 */
interface Delivery {
  id: string;
  /** Look even on a first attempt: for posts another attempt elsewhere may have made. */
  lookFirst?: boolean;
}

/** The Slack Web API calls the bot makes, and no others. */
export interface SlackMessenger {
  post(
    channel: string,
    message: SlackMessage,
    thread?: { ts: string; broadcast?: boolean },
    delivery?: Delivery,
  ): Promise<{ ts: string }>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
  publishHome(userId: string, view: types.HomeView): Promise<void>;
  openModal(triggerId: string, view: types.ModalView): Promise<void>;
  postEphemeral(channel: string, userId: string, message: SlackMessage): Promise<void>;
}

/** Paces nothing: for a messenger whose posts are not spaced by the bot (tests, the sandbox). */
const UNPACED: PostPacer = { take: async () => 0 };

/**
 * Waits for the channel's turn to post. Inside a queued job the wait is the job's: it is handed over
 * and the job delayed, so the worker goes on with other channels and with calls that are not posts.
 */
async function takeTurn(pacer: PostPacer, channel: string, post: PostKind): Promise<void> {
  for (;;) {
    const waitMs = await pacer.take(channel, post);
    if (waitMs === 0) return;
    if (deferPaced(waitMs))
      throw new MecError(
        'slack_post_paced',
        `the last post to ${channel} was too recent; the job waits ${waitMs} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/**
 * A card is a message of its own in the channel, or one with buttons someone is waiting to press (the
 * go/no-go and approval cards are thread replies); every other thread reply is a note.
 */
const postKind = (blocks: SlackMessage['blocks'], thread: object | undefined): PostKind =>
  !thread || blocks.some((block) => block.type === 'actions' || 'accessory' in block) ? 'card' : 'note';

/**
 * The messenger on Bolt's own Web API client (its base URL and rate-limit answers). The client never
 * retries: a post retried blindly after a timeout is a duplicate. A post with a delivery id is made at
 * most once: after a failure that may have landed, and before a retry, it is looked for first. Only
 * chat.postMessage is paced, per channel, as Slack limits it; updates, views and ephemerals are not.
 * Each call is logged at debug with its method, channel (or user) and outcome, under the correlation id
 * of the request or job that made it.
 */
export function webApiMessenger(
  client: webApi.WebClient,
  pacer: PostPacer = UNPACED,
  logger?: Pick<Logger, 'debug'>,
): SlackMessenger {
  const logged = async <T>(method: string, about: Record<string, string>, call: () => Promise<T>) => {
    try {
      const result = await call();
      logger?.debug({ slackMethod: method, ...about, outcome: 'ok' }, 'Slack call');
      return result;
    } catch (error) {
      const code = (error as { data?: { error?: unknown } }).data?.error ?? (error as Error).message;
      logger?.debug({ slackMethod: method, ...about, outcome: 'failed', err: String(code) }, 'Slack call');
      throw error;
    }
  };
  return {
    async post(channel, { text, blocks }, thread, delivery) {
      if (delivery && (delivery.lookFirst || isRetry())) {
        const landed = await lookForDelivery(client, channel, thread?.ts, delivery.id);
        if (landed) return { ts: landed };
      }
      const base = {
        channel,
        text,
        blocks,
        ...(delivery
          ? { metadata: { event_type: DELIVERY_EVENT, event_payload: { delivery_id: delivery.id } } }
          : {}),
      };
      let response: { ts?: string };
      await takeTurn(pacer, channel, postKind(blocks, thread));
      notePosted();
      try {
        response = await logged('chat.postMessage', { channel }, () =>
          client.chat.postMessage(
            !thread
              ? base
              : thread.broadcast
                ? { ...base, thread_ts: thread.ts, reply_broadcast: true }
                : { ...base, thread_ts: thread.ts },
          ),
        );
      } catch (error) {
        // Found now, the post is done; not found (or Slack still unreachable), the job retries,
        // and looks again first.
        const landed =
          delivery && isSlackSideFailure(error)
            ? await lookForDelivery(client, channel, thread?.ts, delivery.id).catch(() => undefined)
            : undefined;
        if (!landed) throw error;
        response = { ts: landed };
      }
      if (!response.ts)
        throw new MecError(
          'slack_reply_invalid',
          `chat.postMessage to ${channel} returned no ts; check SLACK_API_URL points at Slack's Web API`,
        );
      return { ts: response.ts };
    },
    async update(channel, ts, { text, blocks }) {
      await logged('chat.update', { channel }, () => client.chat.update({ channel, ts, text, blocks }));
    },
    async publishHome(userId, view) {
      await logged('views.publish', { user: userId }, () => client.views.publish({ user_id: userId, view }));
    },
    async openModal(triggerId, view) {
      await logged('views.open', {}, () => client.views.open({ trigger_id: triggerId, view }));
    },
    async postEphemeral(channel, userId, { text, blocks }) {
      await logged('chat.postEphemeral', { channel, user: userId }, () =>
        client.chat.postEphemeral({ channel, user: userId, text, blocks }),
      );
    },
  };
}
