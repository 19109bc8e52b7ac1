import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { webClientOn } from '../support/web-client.js';

let standIn: SlackApiStandIn;
beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
});
afterEach(async () => {
  await standIn.stop();
});

describe('the Slack API stand-in', () => {
  it('answers a post with a ts of its own, keeps the message, and applies an update to it', async () => {
    const client = webClientOn(standIn);
    const posted = await client.chat.postMessage({ channel: 'C0RELEASE01', text: 'first', blocks: [] });
    const again = await client.chat.postMessage({
      channel: 'C0RELEASE01',
      text: 'second',
      thread_ts: String(posted.ts),
    });
    expect(posted.ts).not.toBe(again.ts);
    await client.chat.update({ channel: 'C0RELEASE01', ts: String(posted.ts), text: 'edited' });
    expect(standIn.messages.get(String(posted.ts))).toMatchObject({ text: 'edited' });
    expect(standIn.messages.get(String(again.ts))).toMatchObject({ threadTs: posted.ts });
    await expect(client.chat.update({ channel: 'C0RELEASE01', ts: '1.1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
  });

  it('keeps who posted each message and when, marks edits, and says when messages change', async () => {
    const client = webClientOn(standIn);
    let changes = 0;
    standIn.onMessagesChanged = () => {
      changes += 1;
    };
    const before = Date.now();
    const posted = await client.chat.postMessage({ channel: 'C0RELEASE01', text: 'first' });
    const stored = standIn.messages.get(String(posted.ts));
    expect(stored).toMatchObject({ user: 'U0MECBOT', postedAt: expect.any(Number) });
    expect(stored?.postedAt).toBeGreaterThanOrEqual(before);
    expect(stored?.editedAt).toBeUndefined();
    await client.chat.update({ channel: 'C0RELEASE01', ts: String(posted.ts), text: 'edited' });
    expect(standIn.messages.get(String(posted.ts))?.editedAt).toBeGreaterThanOrEqual(stored?.postedAt ?? 0);
    expect(changes).toBe(2);
  });

  it('restores the messages of an earlier run, and gives new messages ts values after theirs', async () => {
    const client = webClientOn(standIn);
    for (const text of ['one', 'two', 'three'])
      await client.chat.postMessage({ channel: 'C0RELEASE01', text });
    const earlier = [...standIn.messages.values()];
    const next = new SlackApiStandIn();
    await next.start();
    try {
      next.restore(JSON.parse(JSON.stringify(earlier)));
      expect([...next.messages.values()]).toEqual(earlier);
      const posted = await webClientOn(next).chat.postMessage({ channel: 'C0RELEASE01', text: 'four' });
      expect(earlier.map((message) => message.ts)).not.toContain(posted.ts);
      await webClientOn(next).chat.update({
        channel: 'C0RELEASE01',
        ts: earlier[0]?.ts ?? '',
        text: 'one, edited',
      });
      expect(next.messages.get(earlier[0]?.ts ?? '')?.text).toBe('one, edited');
    } finally {
      await next.stop();
    }
  });

  it('records every call with its arguments, blocks parsed, for tests to assert on', async () => {
    const client = webClientOn(standIn);
    await client.chat.postMessage({ channel: 'C0RELEASE01', text: 'x', blocks: [{ type: 'divider' }] });
    expect(standIn.callsOf('chat.postMessage')[0]?.args.blocks).toEqual([{ type: 'divider' }]);
    await expect(client.apiCall('admin.everything')).rejects.toMatchObject({
      data: { error: 'unknown_method' },
    });
  });

  it('answers 429 with Retry-After as many times as asked, then serves again', async () => {
    standIn.rateLimits.set('chat.postMessage', { times: 1, retryAfterSec: 3 });
    const client = webClientOn(standIn);
    await expect(client.chat.postMessage({ channel: 'C0RELEASE01', text: 'x' })).rejects.toMatchObject({
      retryAfter: 3,
    });
    await expect(client.chat.postMessage({ channel: 'C0RELEASE01', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    expect(standIn.calls.map((call) => call.method)).toEqual(['chat.postMessage (429)', 'chat.postMessage']);
  });

  it('fails calls as asked, one fault per call: stored but never answered, 500, or stored then internal_error', async () => {
    const client = webClientOn(standIn, 300);
    standIn.faults.set('chat.postMessage', ['accept_then_hang', 'http_500', 'accept_then_internal_error']);
    const post = (text: string) => client.chat.postMessage({ channel: 'C0RELEASE01', text });
    await expect(post('hung')).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    await expect(post('lost')).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
    await expect(post('kept')).rejects.toMatchObject({ data: { error: 'internal_error' } });
    expect((await post('fine')).ok).toBe(true);
    expect([...standIn.messages.values()].map((message) => message.text)).toEqual(['hung', 'kept', 'fine']);
    expect(standIn.callsOf('chat.postMessage (500)')).toHaveLength(1);
    expect(standIn.faults.get('chat.postMessage')).toEqual([]);
  });

  it('reads a channel and a thread back, with the metadata of each post only when asked', async () => {
    const client = webClientOn(standIn);
    const metadata = { event_type: 'mec_delivery', event_payload: { delivery_id: 'thread-1' } };
    const parent = await client.chat.postMessage({ channel: 'C0RELEASE01', text: 'parent' });
    await client.chat.postMessage({
      channel: 'C0RELEASE01',
      text: 'reply',
      thread_ts: String(parent.ts),
      metadata,
    });
    const thread = await client.conversations.replies({
      channel: 'C0RELEASE01',
      ts: String(parent.ts),
      include_all_metadata: true,
    });
    expect(thread.messages?.map((message) => [message.text, message.metadata])).toEqual([
      ['parent', undefined],
      ['reply', metadata],
    ]);
    const history = await client.conversations.history({ channel: 'C0RELEASE01' });
    expect(history.messages?.map((message) => message.text)).toEqual(['parent']);
  });

  it('holds the calls of a method until released', async () => {
    const client = webClientOn(standIn);
    const release = standIn.hold('chat.postMessage');
    const posting = client.chat.postMessage({ channel: 'C0RELEASE01', text: 'held' });
    await client.auth.test();
    expect(standIn.callsOf('chat.postMessage')).toEqual([]);
    release();
    await posting;
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('waits for a call that is still to come, or finds one already made, and takes posts to a response_url', async () => {
    const coming = standIn.waitFor((call) => call.method === 'response_url' && call.args.id === 'r1');
    await fetch(standIn.responseUrl('r1'), {
      method: 'POST',
      body: JSON.stringify({ text: 'done' }),
      headers: { 'content-type': 'application/json' },
    });
    expect((await coming).args).toEqual({ text: 'done', id: 'r1' });
    expect((await standIn.waitFor((call) => call.method === 'response_url')).args.id).toBe('r1');
    await expect(standIn.waitFor((call) => call.method === 'never', 50)).rejects.toMatchObject({
      code: 'stand_in_timeout',
    });
  });

  it('refuses what Slack refuses, with its error codes, and records the refusal as `method (error)`', async () => {
    const client = webClientOn(standIn);
    const duplicate = {
      type: 'actions',
      elements: ['Go', 'No-go'].map((text) => ({
        type: 'button',
        action_id: 'mec_go_no_go',
        text: { type: 'plain_text', text },
      })),
    };
    await expect(
      client.chat.postMessage({ channel: 'C0RELEASE01', text: 'card', blocks: [duplicate] }),
    ).rejects.toMatchObject({
      data: {
        error: 'invalid_blocks',
        errors: [
          'action_id mec_go_no_go is already used in this block [json-pointer:/blocks/0/elements/1/action_id]',
        ],
        response_metadata: { messages: [expect.stringMatching(/^\[ERROR\] action_id mec_go_no_go/)] },
      },
    });
    await expect(
      client.chat.postMessage({ channel: 'C0RELEASE01', blocks: [] } as never),
    ).rejects.toMatchObject({
      data: { error: 'no_text' },
    });
    await expect(
      client.chat.postMessage({ channel: 'C0RELEASE01', text: 'x'.repeat(40_001) }),
    ).rejects.toMatchObject({ data: { error: 'msg_too_long' } });
    await expect(
      client.views.open({
        trigger_id: 't1',
        view: {
          type: 'modal',
          title: { type: 'plain_text', text: 'A title longer than 24 chars' },
          blocks: [],
        },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    expect(standIn.calls.map((call) => call.method)).toEqual([
      'chat.postMessage (invalid_blocks)',
      'chat.postMessage (no_text)',
      'chat.postMessage (msg_too_long)',
      'views.open (invalid_arguments)',
    ]);
    expect(standIn.messages.size).toBe(0);
  });

  it("applies Slack's per-channel posting limit: a burst goes through, then 429 with Retry-After", async () => {
    let nowMs = 0;
    const clocked = new SlackApiStandIn({ now: () => nowMs });
    await clocked.start();
    try {
      const client = webClientOn(clocked);
      const post = () => client.chat.postMessage({ channel: 'C0RELEASE01', text: 'x' });
      for (let i = 0; i < 30; i += 1) await post();
      await expect(post()).rejects.toMatchObject({ retryAfter: 1 });
      await expect(client.chat.postMessage({ channel: 'C0OTHER001', text: 'x' })).resolves.toMatchObject({
        ok: true,
      });
      nowMs += 1_000;
      await expect(post()).resolves.toMatchObject({ ok: true });
    } finally {
      await clocked.stop();
    }
  });

  it('takes five posts to one response_url and refuses the sixth with 404 used_url', async () => {
    const url = standIn.responseUrl('five');
    const post = () =>
      fetch(url, {
        method: 'POST',
        body: JSON.stringify({ text: 'again' }),
        headers: { 'content-type': 'application/json' },
      });
    for (let i = 0; i < 5; i += 1) expect((await post()).status).toBe(200);
    const sixth = await post();
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect(standIn.callsOf('response_url')).toHaveLength(5);
  });
});
