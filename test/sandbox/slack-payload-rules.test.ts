import { describe, expect, it } from 'vitest';
import { MESSAGE_TEXT_MAX, payloadRefusal, refusalBody } from '../../src/sandbox/slack-payload-rules.js';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const modal = (fields: Record<string, unknown> = {}) => ({
  type: 'modal',
  title: { type: 'plain_text', text: 'Reject the release' },
  submit: { type: 'plain_text', text: 'Reject' },
  close: { type: 'plain_text', text: 'Cancel' },
  blocks: [section('why?')],
  ...fields,
});

describe('Slack payload rules', () => {
  it('takes a message with fallback text and valid blocks', () => {
    expect(payloadRefusal('chat.postMessage', { channel: 'C1', text: 'hi', blocks: [section('hi')] })).toBe(
      undefined,
    );
    expect(payloadRefusal('chat.update', { channel: 'C1', ts: '1.1', text: 'hi' })).toBeUndefined();
    const metadata = { event_type: 'mec_delivery', event_payload: { delivery_id: 'thread-7' } };
    expect(payloadRefusal('chat.postMessage', { channel: 'C1', text: 'hi', metadata })).toBeUndefined();
    expect(payloadRefusal('response_url', { text: 'hi', response_type: 'ephemeral' })).toBeUndefined();
    expect(payloadRefusal('response_url', { delete_original: true })).toBeUndefined();
  });

  it.each([
    ['chat.postMessage', { channel: 'C1', blocks: [section('hi')] }, 'no_text'],
    ['chat.postMessage', { channel: 'C1', text: '  ' }, 'no_text'],
    ['chat.postEphemeral', { channel: 'C1', user: 'U1', blocks: [] }, 'no_text'],
    ['response_url', { blocks: [section('hi')] }, 'no_text'],
    ['chat.postMessage', { channel: 'C1', text: 'x'.repeat(MESSAGE_TEXT_MAX + 1) }, 'msg_too_long'],
    ['chat.postMessage', { text: 'hi' }, 'invalid_arguments'],
    [
      'chat.postMessage',
      { channel: 'C1', text: 'hi', metadata: { event_payload: {} } },
      'invalid_metadata_format',
    ],
    [
      'chat.postMessage',
      { channel: 'C1', text: 'hi', metadata: { event_type: 'x', event_payload: 'id' } },
      'invalid_metadata_format',
    ],
    ['chat.update', { channel: 'C1', text: 'hi' }, 'invalid_arguments'],
    ['chat.postEphemeral', { channel: 'C1', text: 'hi' }, 'invalid_arguments'],
    [
      'chat.update',
      { channel: 'C1', ts: '1.1', text: 'hi', blocks: [section('x'.repeat(3_001))] },
      'invalid_blocks',
    ],
    ['views.open', { view: modal() }, 'invalid_arguments'],
    [
      'views.open',
      { trigger_id: 't', view: modal({ title: { type: 'plain_text', text: 'x'.repeat(25) } }) },
      'invalid_arguments',
    ],
    [
      'views.open',
      { trigger_id: 't', view: modal({ title: { type: 'mrkdwn', text: 'Reject' } }) },
      'invalid_arguments',
    ],
    [
      'views.open',
      { trigger_id: 't', view: modal({ private_metadata: 'x'.repeat(3_001) }) },
      'invalid_arguments',
    ],
    [
      'views.open',
      {
        trigger_id: 't',
        view: modal({
          submit: undefined,
          blocks: [
            {
              type: 'input',
              label: { type: 'plain_text', text: 'Reason' },
              element: { type: 'plain_text_input', action_id: 'r' },
            },
          ],
        }),
      },
      'invalid_arguments',
    ],
    [
      'views.publish',
      {
        user_id: 'U1',
        view: { type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) },
      },
      'invalid_arguments',
    ],
    ['views.publish', { view: { type: 'home', blocks: [] } }, 'invalid_arguments'],
  ] as const)('refuses %s %j as %s', (method, args, error) => {
    expect(payloadRefusal(method, args as Record<string, unknown>)?.error).toBe(error);
  });

  it('lists block problems in errors and in response_metadata.messages, as Slack answers invalid_blocks', () => {
    const refusal = payloadRefusal('chat.postMessage', {
      channel: 'C1',
      text: 'hi',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }],
    });
    expect(refusal && refusalBody(refusal)).toEqual({
      ok: false,
      error: 'invalid_blocks',
      errors: ['must be at most 150 characters [json-pointer:/blocks/0/text/text]'],
      response_metadata: {
        messages: ['[ERROR] must be at most 150 characters [json-pointer:/blocks/0/text/text]'],
      },
    });
  });

  it('does not judge methods that carry no message or view', () => {
    expect(payloadRefusal('users.info', { user: 'U1' })).toBeUndefined();
  });
});
