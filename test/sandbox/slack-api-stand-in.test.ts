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
