import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/sandbox/slack-api-stand-in.js';
import { conversationsHistory, conversationsReplies } from '../../src/sandbox/slack-history.js';

const C_RELEASE = 'C0RELEASE';
const MARK = { event_type: 'mec_delivery', event_payload: { delivery_id: 'thread-7' } };

function stored(): Map<string, StoredMessage> {
  const messages: StoredMessage[] = [
    {
      channel: C_RELEASE,
      ts: '1700000001.000001',
      text: 'parent',
      blocks: [],
      user: 'U0MECBOT',
      postedAt: 0,
    },
    {
      channel: C_RELEASE,
      ts: '1700000002.000002',
      threadTs: '1700000001.000001',
      text: 'r1',
      blocks: [],
      user: 'U0MECBOT',
      postedAt: 0,
    },
    {
      channel: C_RELEASE,
      ts: '1700000010.000010',
      text: 'second',
      blocks: [],
      user: 'U0MECBOT',
      postedAt: 0,
    },
    {
      channel: C_RELEASE,
      ts: '1700000003.000003',
      threadTs: '1700000001.000001',
      text: 'r2',
      blocks: [],
      user: 'U0MECBOT',
      postedAt: 0,
      metadata: MARK,
    },
    {
      channel: 'C0OTHER',
      ts: '1700000004.000004',
      text: 'elsewhere',
      blocks: [],
      user: 'U0MECBOT',
      postedAt: 0,
    },
  ];
  return new Map(messages.map((message) => [message.ts, message]));
}

describe('conversations.history in the stand-in', () => {
  it("lists a channel's top-level messages newest first, without thread replies", () => {
    const answer = conversationsHistory(stored().values(), { channel: C_RELEASE });
    expect((answer.messages as Array<{ text: string }>).map((message) => message.text)).toEqual([
      'second',
      'parent',
    ]);
  });
});

describe('conversations.replies in the stand-in', () => {
  it('lists the parent and its replies oldest first, with metadata only when asked for', () => {
    const args = { channel: C_RELEASE, ts: '1700000001.000001' };
    const plain = conversationsReplies(stored(), args).messages as Array<Record<string, unknown>>;
    expect(plain.map((message) => message.text)).toEqual(['parent', 'r1', 'r2']);
    expect(plain.some((message) => 'metadata' in message)).toBe(false);
    const withMetadata = conversationsReplies(stored(), { ...args, include_all_metadata: 'true' })
      .messages as Array<Record<string, unknown>>;
    expect(withMetadata.at(-1)?.metadata).toEqual(MARK);
  });

  it('pages with a cursor', () => {
    const args = { channel: C_RELEASE, ts: '1700000001.000001', limit: 2 };
    const first = conversationsReplies(stored(), args);
    expect(first.has_more).toBe(true);
    const cursor = (first.response_metadata as { next_cursor: string }).next_cursor;
    const second = conversationsReplies(stored(), { ...args, cursor });
    expect((second.messages as Array<{ text: string }>).map((message) => message.text)).toEqual(['r2']);
    expect(second.has_more).toBe(false);
  });

  it('answers thread_not_found for a parent that is not in the channel', () => {
    expect(conversationsReplies(stored(), { channel: 'C0OTHER', ts: '1700000001.000001' })).toEqual({
      ok: false,
      error: 'thread_not_found',
    });
  });
});
