import type { types, webApi } from '@slack/bolt';
import { MecError } from '../../domain/errors.js';
import type { SlackMessage } from './views/blocks.js';

/** The Slack Web API calls the bot makes, and no others. */
export interface SlackMessenger {
  post(
    channel: string,
    message: SlackMessage,
    thread?: { ts: string; broadcast?: boolean },
  ): Promise<{ ts: string }>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
  publishHome(userId: string, view: types.HomeView): Promise<void>;
  openModal(triggerId: string, view: types.ModalView): Promise<void>;
  postEphemeral(channel: string, userId: string, message: SlackMessage): Promise<void>;
}

/** The messenger on Bolt's own Web API client, so retries, rate-limit handling and the base URL are Bolt's. */
export function webApiMessenger(client: webApi.WebClient): SlackMessenger {
  return {
    async post(channel, { text, blocks }, thread) {
      const base = { channel, text, blocks };
      const response = await client.chat.postMessage(
        !thread
          ? base
          : thread.broadcast
            ? { ...base, thread_ts: thread.ts, reply_broadcast: true }
            : { ...base, thread_ts: thread.ts },
      );
      if (!response.ts)
        throw new MecError(
          'slack_reply_invalid',
          `chat.postMessage to ${channel} returned no ts; check SLACK_API_URL points at Slack's Web API`,
        );
      return { ts: response.ts };
    },
    async update(channel, ts, { text, blocks }) {
      await client.chat.update({ channel, ts, text, blocks });
    },
    async publishHome(userId, view) {
      await client.views.publish({ user_id: userId, view });
    },
    async openModal(triggerId, view) {
      await client.views.open({ trigger_id: triggerId, view });
    },
    async postEphemeral(channel, userId, { text, blocks }) {
      await client.chat.postEphemeral({ channel, user: userId, text, blocks });
    },
  };
}
