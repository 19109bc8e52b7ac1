import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Routes } from '../adapters/http/http-server.js';
import { sendJson } from '../adapters/http/http-server.js';
import { readBody } from '../adapters/http/read-body.js';
import { escapeSlackText } from '../adapters/slack/escape-text.js';
import type { SlackCredentials } from '../adapters/slack/slack-app.js';
import type { MecConfig } from '../config/config-schema.js';
import { SANDBOX_PAGE } from './sandbox-page.js';
import { SlackApiStandIn } from './slack-api-stand-in.js';

const command = z.object({ user: z.string().min(1), text: z.string().max(4_000) });
const click = z.object({
  user: z.string().min(1),
  actionId: z.string().min(1),
  value: z.string(),
  channel: z.string(),
  ts: z.string(),
});
const submit = z.object({
  user: z.string().min(1),
  callbackId: z.string().min(1),
  metadata: z.string(),
  block: z.string(),
  action: z.string(),
  value: z.string(),
});
const home = z.object({ user: z.string().min(1) });

/**
 * The local sandbox: with no Slack workspace, a page stands in for Slack. It plays Slack's Web API (the
 * stand-in the tests use) and Slack's requests to the bot: a command typed on the page, or a button
 * clicked there, is signed with the sandbox's own secret and posted to the bot's /slack/events, so the
 * sandbox runs the very path production does.
 */
export class Sandbox {
  readonly standIn = new SlackApiStandIn();
  readonly #secret = randomBytes(24).toString('hex');
  #counter = 0;

  constructor(private readonly config: MecConfig) {}

  async start(): Promise<SlackCredentials> {
    await this.standIn.start();
    return { botToken: 'xoxb-sandbox', signingSecret: this.#secret, apiUrl: this.standIn.apiUrl };
  }

  stop(): Promise<void> {
    return this.standIn.stop();
  }

  /** The page and what it calls. `eventsUrl` is the bot's own /slack/events. */
  routes(eventsUrl: string): Routes {
    // Signed the way Slack signs, so the bot's receiver checks the sandbox's requests like any other.
    const post = async (body: string, contentType = 'application/x-www-form-urlencoded') => {
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', this.#secret).update(`v0:${timestamp}:${body}`).digest('hex');
      const response = await fetch(eventsUrl, {
        method: 'POST',
        body,
        headers: {
          'content-type': contentType,
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': `v0=${signature}`,
        },
      });
      return { status: response.status, text: await response.text() };
    };
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const id = (user: string) => `${user}.${++this.#counter}`;
    return {
      'GET /sandbox': (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(SANDBOX_PAGE);
      },
      'GET /sandbox/state': (_request, response) => sendJson(response, 200, this.#state()),
      'POST /sandbox/command': json(command, async (input) => {
        const reply = await post(
          form({
            command: '/mec',
            // Slack sends a command's text with & < > escaped, so typed markup stays text.
            text: escapeSlackText(input.text),
            user_id: input.user,
            user_name: input.user,
            channel_id: this.config.channels.release,
            team_id: 'TSANDBOX',
            response_url: this.standIn.responseUrl(id(input.user)),
            trigger_id: `trigger.${id(input.user)}`,
          }),
        );
        // A bad command is answered in the ack itself; the page shows it like any ephemeral reply.
        if (reply.text)
          this.standIn.calls.push({
            method: 'response_url',
            args: { ...JSON.parse(reply.text), id: id(input.user) },
            reply: {},
            at: Date.now(),
          });
        return { status: reply.status };
      }),
      'POST /sandbox/click': json(click, async (input) => {
        const payload = {
          type: 'block_actions',
          user: { id: input.user, username: input.user, team_id: 'TSANDBOX' },
          api_app_id: 'ASANDBOX',
          container: {
            type: 'message',
            message_ts: input.ts,
            channel_id: input.channel,
            is_ephemeral: false,
          },
          trigger_id: `trigger.${id(input.user)}`,
          team: { id: 'TSANDBOX' },
          channel: { id: input.channel },
          message: { type: 'message', ts: input.ts },
          response_url: this.standIn.responseUrl(id(input.user)),
          actions: [
            {
              action_id: input.actionId,
              block_id: 'b',
              value: input.value,
              type: 'button',
              action_ts: String(Date.now() / 1000),
            },
          ],
        };
        return { status: (await post(form({ payload: JSON.stringify(payload) }))).status };
      }),
      'POST /sandbox/submit': json(submit, async (input) => {
        const payload = {
          type: 'view_submission',
          team: { id: 'TSANDBOX' },
          user: { id: input.user, username: input.user, team_id: 'TSANDBOX' },
          api_app_id: 'ASANDBOX',
          view: {
            id: 'VSANDBOX',
            type: 'modal',
            callback_id: input.callbackId,
            private_metadata: input.metadata,
            state: {
              values: { [input.block]: { [input.action]: { type: 'plain_text_input', value: input.value } } },
            },
          },
        };
        const reply = await post(form({ payload: JSON.stringify(payload) }));
        this.standIn.calls.push({
          method: 'views.close',
          args: { user: input.user },
          reply: {},
          at: Date.now(),
        });
        return { status: reply.status, errors: reply.text ? JSON.parse(reply.text) : null };
      }),
      'POST /sandbox/home': json(home, async (input) => {
        const body = JSON.stringify({
          type: 'event_callback',
          team_id: 'TSANDBOX',
          api_app_id: 'ASANDBOX',
          event_id: `Ev${id(input.user)}`,
          event_time: Math.floor(Date.now() / 1000),
          event: {
            type: 'app_home_opened',
            user: input.user,
            channel: 'DSANDBOX',
            tab: 'home',
            event_ts: '1',
          },
        });
        const reply = await post(body, 'application/json');
        return { status: reply.status };
      }),
    };
  }

  /** What the page shows: every channel's messages with their threads, and each person's private views. */
  #state() {
    const userOf = (id: unknown) => String(id ?? '').split('.')[0] ?? '';
    const people = this.config.roles.flatMap((role) => role.users.map((user) => ({ user, role: role.name })));
    const ephemeral = this.standIn.calls
      .filter((call) => call.method === 'response_url' || call.method === 'chat.postEphemeral')
      .map((call) => ({
        user: call.method === 'response_url' ? userOf(call.args.id) : String(call.args.user),
        text: String(call.args.text ?? ''),
        blocks: call.args.blocks ?? [],
        at: call.at ?? 0,
      }));
    const modals = this.standIn.calls
      .filter((call) => call.method === 'views.open' || call.method === 'views.close')
      .map((call) => ({
        user:
          call.method === 'views.open'
            ? userOf(String(call.args.trigger_id).replace(/^trigger\./, ''))
            : String(call.args.user),
        view: call.method === 'views.open' ? call.args.view : null,
      }));
    const homes = this.standIn.calls
      .filter((call) => call.method === 'views.publish')
      .map((call) => ({ user: String(call.args.user_id), view: call.args.view }));
    return {
      people: [...people, { user: 'U0VISITOR1', role: 'no role' }],
      channels: { release: this.config.channels.release, incident: this.config.channels.incident },
      messages: [...this.standIn.messages.values()],
      ephemeral,
      modals,
      homes,
    };
  }
}

function json<T>(schema: z.ZodType<T>, handle: (input: T) => Promise<unknown>) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    let parsed: z.ZodSafeParseResult<T>;
    try {
      parsed = schema.safeParse(JSON.parse(await readBody(request, 64 * 1024)));
    } catch {
      return sendJson(response, 400, { error: 'send JSON' });
    }
    if (!parsed.success)
      return sendJson(response, 400, {
        error: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      });
    sendJson(response, 200, await handle(parsed.data));
  };
}
