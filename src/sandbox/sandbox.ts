import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';
import { ALERTMANAGER_PATH } from '../adapters/http/alertmanager-webhook.js';
import type { Routes } from '../adapters/http/http-server.js';
import { sendJson } from '../adapters/http/http-server.js';
import { readBody } from '../adapters/http/read-body.js';
import { escapeSlackText } from '../adapters/slack/escape-text.js';
import type { SlackCredentials } from '../adapters/slack/slack-app.js';
import type { MecConfig } from '../config/config-schema.js';
import { alertmanagerBody } from './sandbox-alarms.js';
import { historySaver, loadHistory } from './sandbox-history.js';
import { SANDBOX_PAGE } from './sandbox-page.js';
import { sandboxPeople } from './sandbox-people.js';
import { openModals, pageState } from './sandbox-state.js';
import { SlackApiStandIn } from './slack-api-stand-in.js';
import { appHomeOpened, blockActions, viewClosed, viewSubmission } from './slack-payloads.js';

const user = z.string().min(1);
const command = z.object({ user, text: z.string().max(4_000) });
const click = z.object({
  user,
  actionId: z.string().min(1),
  value: z.string(),
  channel: z.string(),
  ts: z.string(),
  block: z.string().default(''),
});
const values = z.record(z.string(), z.record(z.string(), z.object({ type: z.string(), value: z.string() })));
const submit = z.object({ user, modal: z.number().int().nonnegative(), values });
const close = z.object({ user, modal: z.number().int().nonnegative() });
const home = z.object({ user });
const alarm = z.object({ alarm: z.string().min(1), status: z.enum(['firing', 'resolved']) });

/** The file in the sandbox's directory that holds the pid of the process running it, while it runs. */
export const PID_FILE = 'sandbox.pid';

export interface SandboxOptions {
  /** Where the Slack history is kept across restarts (`.mec-sandbox`); none kept when omitted. */
  dir?: string;
  /** The Alertmanager webhook's token (MEC_ALERT_TOKEN); the sandbox makes one up when it is unset. */
  alertToken?: string;
  /** Told when the history could not be saved. */
  onSaveFailed?: (error: Error) => void;
}

/**
 * The local sandbox: with no Slack workspace, a page stands in for Slack. It plays Slack's Web API (the
 * stand-in the tests use) and Slack's requests to the bot: a command typed on the page, a click or a
 * modal submitted there, is signed with the sandbox's own secret and posted to the bot's /slack/events,
 * so the sandbox runs the very path production does. An alarm injected on the page reaches the bot as
 * Alertmanager's webhook would. The channels' messages are kept in `dir` across restarts.
 */
export class Sandbox {
  readonly standIn = new SlackApiStandIn();
  /** The token the bot's Alertmanager webhook must be given, so the page's alarms get through. */
  readonly alertToken: string;
  readonly #secret = randomBytes(24).toString('hex');
  readonly #people;
  readonly #closedModals = new Set<number>();
  #firing: Record<string, string> = {};
  #counter = 0;
  /**
   * Set anew at each start: trigger ids must not repeat across restarts, as the bot drops a trigger id
   * it handled within the hour as a Slack retry.
   */
  readonly #run = randomBytes(4).toString('hex');
  readonly #saver;

  constructor(
    private readonly config: MecConfig,
    private readonly options: SandboxOptions = {},
  ) {
    this.alertToken = options.alertToken ?? randomBytes(24).toString('hex');
    this.#people = sandboxPeople(config);
    const path = options.dir ? join(options.dir, 'slack-history.json') : undefined;
    this.#saver = path
      ? historySaver(
          path,
          () => ({ messages: [...this.standIn.messages.values()], firing: this.#firing }),
          options.onSaveFailed ?? (() => undefined),
        )
      : undefined;
  }

  async start(): Promise<SlackCredentials> {
    if (this.options.dir) {
      const history = await loadHistory(join(this.options.dir, 'slack-history.json'));
      this.standIn.restore(history.messages);
      this.#firing = history.firing;
      this.standIn.onMessagesChanged = () => void this.#saver?.save();
      await mkdir(this.options.dir, { recursive: true });
      await writeFile(join(this.options.dir, PID_FILE), String(process.pid));
    }
    await this.standIn.start();
    return { botToken: 'xoxb-sandbox', signingSecret: this.#secret, apiUrl: this.standIn.apiUrl };
  }

  async stop(): Promise<void> {
    await this.standIn.stop();
    await this.#saver?.flush();
    if (this.options.dir) await rm(join(this.options.dir, PID_FILE), { force: true });
  }

  /** The page and what it calls. `eventsUrl` is the bot's own /slack/events; its webhook is beside it. */
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
    const interaction = (payload: unknown) =>
      post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    const id = (person: string) => `${person}.${this.#run}.${++this.#counter}`;
    const modalOf = (person: string, modal: number) =>
      openModals(this.standIn.calls, this.#closedModals).find(
        (open) => open.id === modal && open.user === person,
      );
    const gone: Refusal = {
      refused: 404,
      error: 'That modal is no longer open: it was submitted or closed.',
    };
    return {
      'GET /sandbox': (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(SANDBOX_PAGE);
      },
      'GET /sandbox/state': (_request, response) =>
        sendJson(
          response,
          200,
          pageState({
            config: this.config,
            people: this.#people,
            calls: this.standIn.calls,
            messages: this.standIn.messages.values(),
            closedModals: this.#closedModals,
            firing: this.#firing,
          }),
        ),
      'POST /sandbox/command': json(command, async (input) => {
        const reply = await post(
          new URLSearchParams({
            command: '/mec',
            // Slack sends a command's text with & < > escaped, so typed markup stays text.
            text: escapeSlackText(input.text),
            user_id: input.user,
            user_name: input.user,
            channel_id: this.config.channels.release,
            team_id: 'TSANDBOX',
            response_url: this.standIn.responseUrl(id(input.user)),
            trigger_id: `trigger.${id(input.user)}`,
          }).toString(),
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
        const payload = blockActions({
          ...input,
          triggerId: `trigger.${id(input.user)}`,
          responseUrl: this.standIn.responseUrl(id(input.user)),
        });
        return { status: (await interaction(payload)).status };
      }),
      'POST /sandbox/submit': json(submit, async (input) => {
        const modal = modalOf(input.user, input.modal);
        if (!modal) return gone;
        const reply = await interaction(viewSubmission(input.user, modal.id, modal.view, input.values));
        const answer = reply.text
          ? (JSON.parse(reply.text) as { response_action?: string; errors?: unknown })
          : {};
        // Slack keeps the modal open, with each message under its input, when the app answers errors.
        if (answer.response_action === 'errors') return { status: reply.status, errors: answer.errors ?? {} };
        if (reply.status === 200) this.#closedModals.add(modal.id);
        return { status: reply.status, errors: null };
      }),
      'POST /sandbox/close': json(close, async (input) => {
        const modal = modalOf(input.user, input.modal);
        if (!modal) return gone;
        this.#closedModals.add(modal.id);
        // Slack tells the app of a cancelled modal only when its view asked to hear of it.
        if (modal.view.notify_on_close === true)
          return { status: (await interaction(viewClosed(input.user, modal.id, modal.view))).status };
        return { status: 200 };
      }),
      'POST /sandbox/home': json(home, async (input) => {
        const body = JSON.stringify(appHomeOpened(input.user, `Ev${id(input.user)}`));
        return { status: (await post(body, 'application/json')).status };
      }),
      'POST /sandbox/alarm': json(alarm, async (input) => {
        const configured = this.config.alarms.find((candidate) => candidate.name === input.alarm);
        if (!configured)
          return {
            refused: 400,
            error: `No alarm ${input.alarm} in the config; pick one of ${this.config.alarms.map((a) => a.name).join(', ')}.`,
          };
        const now = new Date();
        const startsAt = this.#firing[configured.name] ?? now.toISOString();
        const response = await fetch(new URL(ALERTMANAGER_PATH, eventsUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.alertToken}` },
          body: JSON.stringify(alertmanagerBody(configured, this.config.phase, input.status, startsAt, now)),
        });
        const answer = await response.json().catch(() => ({}));
        if (response.ok) {
          if (input.status === 'firing') this.#firing[configured.name] = startsAt;
          else delete this.#firing[configured.name];
          await this.#saver?.save();
        }
        return { status: response.status, answer };
      }),
    };
  }
}

/** A page request the sandbox will not pass on, with the HTTP status and what to do instead. */
interface Refusal {
  refused: number;
  error: string;
}

function json<T>(schema: z.ZodType<T>, handle: (input: T) => Promise<object>) {
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
    const result = await handle(parsed.data);
    if ('refused' in result) {
      const { refused, error } = result as Refusal;
      return sendJson(response, refused, { error });
    }
    sendJson(response, 200, result);
  };
}
