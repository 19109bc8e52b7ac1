import type { webApi } from '@slack/bolt';

/** The metadata event type that marks each post with its delivery id. */
export const DELIVERY_EVENT = 'mec_delivery';

/** How many pages of a thread are searched (Slack gives up to 1,000 replies a page). */
const THREAD_PAGES = 10;

/** How many of a channel's newest top-level messages are searched for a top-level post. */
const CHANNEL_RECENT = 200;

interface Listed {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

const isDelivery = (id: string) => (message: Listed) =>
  message.metadata?.event_type === DELIVERY_EVENT && message.metadata.event_payload?.delivery_id === id;

/**
 * The ts of the message posted with delivery id `id`, if one landed: in the thread of `threadTs`
 * (conversations.replies), or among the channel's newest top-level messages (conversations.history).
 * Both return metadata only when asked (`include_all_metadata`), and need the channels:history scope
 * (groups:history in a private channel): https://docs.slack.dev/reference/methods/conversations.replies
 */
/**
 * Errors that say the bot may not look (an install without the history scopes, or a channel it has
 * not joined), not that Slack is down: https://docs.slack.dev/reference/methods/conversations.history
 */
const CANNOT_LOOK = new Set(['missing_scope', 'not_in_channel', 'no_permission']);

/**
 * As {@link findDelivery}, but a bot that may not look is told `undefined` (not landed) rather than
 * an error: the post then goes ahead, at least once, instead of never. Any other failure throws.
 */
export async function lookForDelivery(
  client: webApi.WebClient,
  channel: string,
  threadTs: string | undefined,
  id: string,
): Promise<string | undefined> {
  try {
    return await findDelivery(client, channel, threadTs, id);
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code !== undefined && CANNOT_LOOK.has(code)) return undefined;
    throw error;
  }
}

export async function findDelivery(
  client: webApi.WebClient,
  channel: string,
  threadTs: string | undefined,
  id: string,
): Promise<string | undefined> {
  if (!threadTs) {
    const { messages = [] } = await client.conversations.history({
      channel,
      include_all_metadata: true,
      limit: CHANNEL_RECENT,
    });
    return (messages as Listed[]).find(isDelivery(id))?.ts;
  }
  let cursor: string | undefined;
  for (let page = 0; page < THREAD_PAGES; page += 1) {
    const answer = await client.conversations.replies({
      channel,
      ts: threadTs,
      include_all_metadata: true,
      limit: 1_000,
      ...(cursor ? { cursor } : {}),
    });
    const found = ((answer.messages ?? []) as Listed[]).find(isDelivery(id))?.ts;
    if (found) return found;
    cursor = answer.response_metadata?.next_cursor;
    if (!answer.has_more || !cursor) return undefined;
  }
  return undefined;
}
