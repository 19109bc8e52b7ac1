import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webApiMessenger } from '../../../src/adapters/slack/slack-messenger.js';
import { actions, button, section } from '../../../src/adapters/slack/views/blocks.js';
import { textReply } from '../../../src/adapters/slack/views/replies.js';
import type { PostKind, PostPacer } from '../../../src/app/ports/post-pacer.js';
import { withCorrelation } from '../../../src/infra/correlation.js';
import { newAttempt, runAttempt } from '../../../src/infra/job-attempt.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { capturedLog } from '../../support/captured-log.js';
import { webClientOn } from '../../support/web-client.js';

let standIn: SlackApiStandIn;
beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
});
afterEach(async () => {
  await standIn.stop();
});

const HELLO = textReply('hello');

/** A pacer whose turns the test hands out: a channel in `taken` waits that many milliseconds. */
function heldPacer(taken: Map<string, number>) {
  const asked: string[] = [];
  const pacer: PostPacer = {
    take: async (channel) => {
      asked.push(channel);
      return taken.get(channel) ?? 0;
    },
  };
  return { pacer, asked };
}

describe('webApiMessenger', () => {
  it('logs each call at debug with its method, channel and outcome, under the correlation id', async () => {
    const { logger, lines } = capturedLog('debug');
    const messenger = webApiMessenger(webClientOn(standIn), undefined, logger);
    await withCorrelation('cid-7', () => messenger.post('C0RELEASE01', HELLO));
    await expect(messenger.update('C0NOSUCH', '1.1', HELLO)).rejects.toThrow();
    await expect.poll(() => lines.length).toBe(2);
    expect(lines[0]).toMatchObject({
      level: 20,
      msg: 'Slack call',
      slackMethod: 'chat.postMessage',
      channel: 'C0RELEASE01',
      outcome: 'ok',
      cid: 'cid-7',
    });
    expect(lines[1]).toMatchObject({
      slackMethod: 'chat.update',
      channel: 'C0NOSUCH',
      outcome: 'failed',
      err: expect.any(String),
    });
    expect(JSON.stringify(lines)).not.toContain('xoxb-');
  });

  it('posts a message with its fallback text and blocks, and answers where it went', async () => {
    const messenger = webApiMessenger(webClientOn(standIn));
    const { ts } = await messenger.post('C0RELEASE01', HELLO);
    const [call] = standIn.callsOf('chat.postMessage');
    expect(call?.args).toMatchObject({ channel: 'C0RELEASE01', text: 'hello', blocks: HELLO.blocks });
    expect(call?.args.thread_ts).toBeUndefined();
    expect(ts).toBe(call?.reply.ts);
  });

  it('posts in a thread, broadcast to the channel only when asked', async () => {
    const messenger = webApiMessenger(webClientOn(standIn));
    await messenger.post('C0RELEASE01', HELLO, { ts: '1.1' });
    await messenger.post('C0RELEASE01', HELLO, { ts: '1.1', broadcast: true });
    const [quiet, broadcast] = standIn.callsOf('chat.postMessage');
    expect(quiet?.args).toMatchObject({ thread_ts: '1.1' });
    expect(quiet?.args.reply_broadcast).toBeUndefined();
    expect(broadcast?.args).toMatchObject({ thread_ts: '1.1', reply_broadcast: 'true' });
  });

  it('updates a message, publishes App Home, opens a modal and answers ephemerally', async () => {
    const messenger = webApiMessenger(webClientOn(standIn));
    const { ts } = await messenger.post('C0RELEASE01', HELLO);
    await messenger.update('C0RELEASE01', ts, textReply('again'));
    await messenger.publishHome('U0SRE', { type: 'home', blocks: HELLO.blocks });
    await messenger.openModal('trigger-1', {
      type: 'modal',
      title: { type: 'plain_text', text: 'Why' },
      blocks: [],
    });
    await messenger.postEphemeral('C0RELEASE01', 'U0SRE', HELLO);
    expect(standIn.calls.map((call) => call.method)).toEqual([
      'chat.postMessage',
      'chat.update',
      'views.publish',
      'views.open',
      'chat.postEphemeral',
    ]);
    expect(standIn.messages.get(ts)?.text).toBe('again');
    expect(standIn.callsOf('views.publish')[0]?.args).toMatchObject({ user_id: 'U0SRE' });
    expect(standIn.callsOf('views.open')[0]?.args).toMatchObject({ trigger_id: 'trigger-1' });
    expect(standIn.callsOf('chat.postEphemeral')[0]?.args).toMatchObject({ user: 'U0SRE', text: 'hello' });
  });

  it("passes Slack's 429 on to the caller, whose queue waits it out", async () => {
    standIn.rateLimits.set('chat.postMessage', { times: 1, retryAfterSec: 7 });
    const messenger = webApiMessenger(webClientOn(standIn));
    await expect(messenger.post('C0RELEASE01', HELLO)).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 7,
    });
  });

  it('marks a post with its delivery id in the message metadata', async () => {
    const messenger = webApiMessenger(webClientOn(standIn));
    const { ts } = await messenger.post('C0RELEASE01', HELLO, { ts: '1.1' }, { id: 'thread-7' });
    expect(standIn.messages.get(ts)?.metadata).toEqual({
      event_type: 'mec_delivery',
      event_payload: { delivery_id: 'thread-7' },
    });
  });

  it('finds a post that Slack accepted but never answered, and does not post it again', async () => {
    const messenger = webApiMessenger(webClientOn(standIn, 300));
    const parent = await messenger.post('C0RELEASE01', HELLO);
    standIn.faults.set('chat.postMessage', ['accept_then_hang']);
    const { ts } = await messenger.post('C0RELEASE01', HELLO, parent, { id: 'thread-8' });
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(2);
    expect(standIn.messages.get(ts)?.threadTs).toBe(parent.ts);
    expect(standIn.callsOf('conversations.replies')[0]?.args).toMatchObject({
      ts: parent.ts,
      include_all_metadata: 'true',
    });
  });

  it('passes the failure on when a hung post cannot be found, and on the retry finds it first', async () => {
    const messenger = webApiMessenger(webClientOn(standIn, 300));
    const parent = await messenger.post('C0RELEASE01', HELLO);
    standIn.faults.set('chat.postMessage', ['accept_then_hang']);
    standIn.faults.set('conversations.replies', ['http_500']);
    await expect(messenger.post('C0RELEASE01', HELLO, parent, { id: 'thread-9' })).rejects.toMatchObject({
      code: 'slack_webapi_request_error',
    });
    const retried = await runAttempt(newAttempt(true), () =>
      messenger.post('C0RELEASE01', HELLO, parent, { id: 'thread-9' }),
    );
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(2);
    expect(standIn.messages.get(retried.ts)?.text).toBe('hello');
  });

  it('looks in the channel first for a top-level post asked to, and posts only if it is not there', async () => {
    const messenger = webApiMessenger(webClientOn(standIn));
    const first = await messenger.post('C0RELEASE01', HELLO, undefined, { id: 'parent-r1', lookFirst: true });
    const again = await messenger.post('C0RELEASE01', HELLO, undefined, { id: 'parent-r1', lookFirst: true });
    expect(again.ts).toBe(first.ts);
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(1);
    expect(standIn.callsOf('conversations.history')).toHaveLength(2);
  });

  it('posts when it may not look (no history scope, or not in the channel), rather than never', async () => {
    const messenger = webApiMessenger(webClientOn(standIn));
    standIn.faults.set('conversations.history', ['missing_scope']);
    const posted = await messenger.post('C0RELEASE01', HELLO, undefined, {
      id: 'parent-r2',
      lookFirst: true,
    });
    expect(standIn.callsOf('conversations.history (missing_scope)')).toHaveLength(1);
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(1);
    expect(standIn.messages.get(posted.ts)?.text).toBe('hello');
    // Slack being down is not "may not look": the post waits for the job's retry.
    standIn.faults.set('conversations.history', ['http_500']);
    await expect(
      messenger.post('C0RELEASE01', HELLO, undefined, { id: 'parent-r3', lookFirst: true }),
    ).rejects.toBeDefined();
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('posts again after an error answer that says nothing was done, without looking', async () => {
    const messenger = webApiMessenger(webClientOn(standIn));
    standIn.rateLimits.set('chat.postMessage', { times: 1, retryAfterSec: 1 });
    await expect(messenger.post('C0RELEASE01', HELLO, undefined, { id: 'review-1' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
    });
    expect(standIn.callsOf('conversations.history')).toHaveLength(0);
  });

  describe('pacing', () => {
    it('hands a queued job the wait for a taken channel and calls nothing, while other channels and updates go ahead', async () => {
      const { pacer, asked } = heldPacer(new Map([['C0RELEASE01', 700]]));
      const messenger = webApiMessenger(webClientOn(standIn), pacer);
      const parent = await runAttempt(newAttempt(false), () => messenger.post('C0INCIDENT1', HELLO));
      const attempt = newAttempt(false);
      await expect(runAttempt(attempt, () => messenger.post('C0RELEASE01', HELLO))).rejects.toMatchObject({
        code: 'slack_post_paced',
      });
      expect(attempt).toEqual({ retry: false, posted: false, pacedMs: 700 });
      await runAttempt(newAttempt(false), () => messenger.update('C0RELEASE01', parent.ts, HELLO));
      expect(standIn.calls.map((call) => call.method)).toEqual(['chat.postMessage', 'chat.update']);
      expect(standIn.callsOf('chat.postMessage')[0]?.args.channel).toBe('C0INCIDENT1');
      // Only posts ask for a place: the update did not.
      expect(asked).toEqual(['C0INCIDENT1', 'C0RELEASE01']);
    });

    it('waits for the turn itself outside any job, then posts', async () => {
      const taken = new Map([['C0RELEASE01', 50]]);
      const asked: string[] = [];
      const pacer: PostPacer = {
        take: async (channel) => {
          asked.push(channel);
          const waitMs = taken.get(channel) ?? 0;
          taken.delete(channel);
          return waitMs;
        },
      };
      await webApiMessenger(webClientOn(standIn), pacer).post('C0RELEASE01', HELLO);
      expect(asked).toEqual(['C0RELEASE01', 'C0RELEASE01']);
      expect(standIn.callsOf('chat.postMessage')).toHaveLength(1);
    });

    it('asks for a card for a message of its own or one with buttons, and for a note for any other thread reply', async () => {
      const kinds: PostKind[] = [];
      const pacer: PostPacer = {
        take: async (_channel, post) => {
          kinds.push(post);
          return 0;
        },
      };
      const messenger = webApiMessenger(webClientOn(standIn), pacer);
      const { ts } = await messenger.post('C0RELEASE01', HELLO);
      const thread = { ts };
      await messenger.post('C0RELEASE01', HELLO, thread);
      const buttons = [button('mec_approve', 'Approve', { role: 'sre' })];
      await messenger.post(
        'C0RELEASE01',
        { text: 'approve', blocks: [actions('approvals', buttons)] },
        thread,
      );
      const [approve] = buttons;
      if (!approve) throw new Error('expected a button');
      await messenger.post('C0RELEASE01', { text: 'go', blocks: [section('Go?', approve)] }, thread);
      expect(kinds).toEqual(['card', 'note', 'card', 'card']);
    });
  });
});
