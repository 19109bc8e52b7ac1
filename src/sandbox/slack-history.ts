import type { StoredMessage } from './slack-api-stand-in.js';

type Reply = Record<string, unknown>;

/**
 * conversations.history as the stand-in answers it: a channel's top-level messages, newest first, from
 * `oldest` on. Slack's default page is 100 messages, at most 999
 * (https://docs.slack.dev/reference/methods/conversations.history).
 */
export function conversationsHistory(
  messages: Iterable<StoredMessage>,
  args: Record<string, unknown>,
): Reply {
  const channel = String(args.channel ?? '');
  const oldest = args.oldest === undefined ? undefined : String(args.oldest);
  const found = [...messages]
    .filter((message) => message.channel === channel && message.threadTs === undefined)
    .filter((message) => oldest === undefined || byTs(message.ts, oldest) >= 0)
    .sort((a, b) => byTs(b.ts, a.ts));
  return page(found, args, 100, 999);
}

/**
 * conversations.replies: the parent message and its thread, oldest first; `thread_not_found` for a
 * parent that is not in the channel. Slack's default page is 1,000 messages
 * (https://docs.slack.dev/reference/methods/conversations.replies).
 */
export function conversationsReplies(
  messages: ReadonlyMap<string, StoredMessage>,
  args: Record<string, unknown>,
): Reply {
  const parent = messages.get(String(args.ts ?? ''));
  if (!parent || parent.channel !== String(args.channel ?? ''))
    return { ok: false, error: 'thread_not_found' };
  const thread = [...messages.values()]
    .filter((message) => message === parent || message.threadTs === parent.ts)
    .sort((a, b) => byTs(a.ts, b.ts));
  return page(thread, args, 1_000, 1_000);
}

/** One page with a cursor to the next; each message's metadata only with include_all_metadata. */
function page(
  messages: StoredMessage[],
  args: Record<string, unknown>,
  fallback: number,
  most: number,
): Reply {
  const limit = Math.min(Number(args.limit) || fallback, most);
  const from = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64').toString()) || 0 : 0;
  const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
  const shown = messages.slice(from, from + limit).map((message) => ({
    type: 'message',
    ts: message.ts,
    text: message.text,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(withMetadata && message.metadata !== undefined ? { metadata: message.metadata } : {}),
  }));
  const more = from + limit < messages.length;
  return {
    ok: true,
    messages: shown,
    has_more: more,
    response_metadata: { next_cursor: more ? Buffer.from(String(from + limit)).toString('base64') : '' },
  };
}

/** Orders two message timestamps (`seconds.micros`). */
function byTs(a: string, b: string): number {
  const [aSec = 0, aMicro = 0] = a.split('.').map(Number);
  const [bSec = 0, bMicro = 0] = b.split('.').map(Number);
  return aSec - bSec || aMicro - bMicro;
}
