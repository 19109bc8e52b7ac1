import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Headers Slack sends: a v0 signature over `v0:<timestamp>:<body>` with the signing secret. */
export function signedHeaders(
  body: string,
  contentType: string,
  options: { timestampSec?: number; secret?: string } = {},
) {
  const timestamp = options.timestampSec ?? Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', options.secret ?? SIGNING_SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex');
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${signature}`,
  };
}

export interface SlackPost {
  status: number;
  /** The HTTP response body: for a command, the ack's ephemeral message, if any. */
  body: string;
}

async function post(
  url: string,
  body: string,
  contentType: string,
  options?: Parameters<typeof signedHeaders>[2],
): Promise<SlackPost> {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: signedHeaders(body, contentType, options),
  });
  return { status: response.status, body: await response.text() };
}

export function postForm(
  url: string,
  fields: Record<string, string>,
  options?: Parameters<typeof signedHeaders>[2],
) {
  return post(url, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options);
}

export function postJson(url: string, body: unknown, options?: Parameters<typeof signedHeaders>[2]) {
  return post(url, JSON.stringify(body), 'application/json', options);
}

/** The form fields of a slash command as Slack sends them. */
export function commandFields(text: string, userId: string, responseUrl: string, channelId = 'C0RELEASE01') {
  return {
    token: 'legacy-verification-token',
    team_id: 'T0STANDIN',
    team_domain: 'stand-in',
    channel_id: channelId,
    channel_name: 'release',
    user_id: userId,
    user_name: userId.toLowerCase(),
    command: '/mec',
    text,
    api_app_id: 'A0MECBOT',
    response_url: responseUrl,
    trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
  };
}

/** A block_actions payload: one button click on a message. */
export function buttonClick(
  userId: string,
  actionId: string,
  value: string,
  message: { channel: string; ts: string },
  responseUrl: string,
) {
  return {
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: userId, username: userId.toLowerCase(), team_id: 'T0STANDIN' },
      api_app_id: 'A0MECBOT',
      token: 'legacy-verification-token',
      container: {
        type: 'message',
        message_ts: message.ts,
        channel_id: message.channel,
        is_ephemeral: false,
      },
      trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
      team: { id: 'T0STANDIN', domain: 'stand-in' },
      channel: { id: message.channel, name: 'release' },
      message: { type: 'message', ts: message.ts, text: '' },
      response_url: responseUrl,
      actions: [
        {
          action_id: actionId,
          block_id: 'b',
          text: { type: 'plain_text', text: 'x' },
          value,
          type: 'button',
          action_ts: '1',
        },
      ],
    }),
  };
}

export function viewSubmission(
  userId: string,
  callbackId: string,
  privateMetadata: string,
  values: Record<string, Record<string, { value: string }>>,
) {
  const stateValues = Object.fromEntries(
    Object.entries(values).map(([block, actions]) => [
      block,
      Object.fromEntries(
        Object.entries(actions).map(([action, { value }]) => [action, { type: 'plain_text_input', value }]),
      ),
    ]),
  );
  return {
    payload: JSON.stringify({
      type: 'view_submission',
      team: { id: 'T0STANDIN', domain: 'stand-in' },
      user: { id: userId, username: userId.toLowerCase(), team_id: 'T0STANDIN' },
      api_app_id: 'A0MECBOT',
      token: 'legacy-verification-token',
      trigger_id: `trigger-view-${Math.random().toString(36).slice(2)}`,
      view: {
        id: 'V1',
        type: 'modal',
        callback_id: callbackId,
        private_metadata: privateMetadata,
        state: { values: stateValues },
        hash: 'h',
      },
    }),
  };
}

export function eventCallback(event: Record<string, unknown>) {
  return {
    token: 'legacy-verification-token',
    team_id: 'T0STANDIN',
    api_app_id: 'A0MECBOT',
    event,
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2)}`,
    event_time: Math.floor(Date.now() / 1000),
  };
}
