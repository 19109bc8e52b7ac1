import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { MecError } from '../domain/errors.js';
import { CallLog, type RecordedCall } from './call-log.js';
import { conversationsHistory, conversationsReplies } from './slack-history.js';
import { parseArgs, readBody, send } from './stand-in-http.js';
import { type Refused, StandInRules } from './stand-in-rules.js';

export type { RecordedCall } from './call-log.js';

export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: unknown[];
  /** The poster (the bot's user id), and when it was posted and last edited, in epoch milliseconds. */
  user: string;
  postedAt: number;
  editedAt?: number;
  /** The message's `metadata` (event_type and event_payload), shown only to include_all_metadata. */
  metadata?: unknown;
}

const BOT_USER = 'U0MECBOT';

/**
 * How one call fails. `accept_then_hang`: carried out (a post is stored), then never answered, as when
 * Slack answers after the client's timeout. `http_500`: answered 500, not carried out.
 * `accept_then_internal_error`: carried out, then answered `internal_error`, which Slack documents as
 * "it's possible some aspect of the operation succeeded" (https://api.slack.com/methods/calls.info).
 * `missing_scope`: refused, as for an install that was not granted the method's scope.
 */
export type SlackFault = 'accept_then_hang' | 'http_500' | 'accept_then_internal_error' | 'missing_scope';

type Reply = Record<string, unknown>;

/**
 * A local stand-in for Slack's Web API: it answers the methods the bot calls the way Slack does,
 * records every call for tests to assert on, keeps the messages of each channel (with their updates)
 * for the sandbox to show, and receives posts to response_url. It never reaches Slack.
 */
export class SlackApiStandIn extends CallLog {
  readonly messages = new Map<string, StoredMessage>();
  #server: Server | undefined;
  #url = '';
  #counter = 0;
  readonly #holds = new Map<string, Promise<void>>();
  /** Where apps.connections.open sends a Socket Mode client. */
  socketModeUrl = '';
  /** users.info answers: users listed here are deactivated; unknown ids are not found unless `anyUserExists`. */
  readonly deactivatedUsers = new Set<string>();
  readonly knownUsers = new Set<string>();
  anyUserExists = true;
  /** Called after a message is posted or edited, e.g. to keep the history on disk. */
  onMessagesChanged: (() => void) | undefined;
  /** Answers the next calls of a method with 429 and this Retry-After, in seconds. */
  readonly rateLimits = new Map<string, { times: number; retryAfterSec: number }>();
  /** Faults for the next calls of a method, one used up per call, in order. */
  readonly faults = new Map<string, SlackFault[]>();
  /** Slack's payload rules and limits, applied to every call as Slack does. */
  readonly rules: StandInRules;
  readonly #now: () => number;

  /** `now` is the stand-in's clock in epoch ms, for the response_url window and the rate limits. */
  constructor(options: { now?: () => number } = {}) {
    const now = options.now ?? Date.now;
    super(now);
    this.#now = now;
    this.rules = new StandInRules(this.#now);
  }

  /** Base URL of the Web API, for SLACK_API_URL (ends in `/api/`). */
  get apiUrl(): string {
    return `${this.#url}/api/`;
  }

  /** A response_url that posts back to this stand-in. */
  responseUrl(id: string): string {
    this.rules.issued(id);
    return `${this.#url}/response/${encodeURIComponent(id)}`;
  }

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: Error) => {
        response.writeHead(500).end(error.message);
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    if (!address || typeof address === 'string')
      throw new MecError('invariant_violated', 'the stand-in has no TCP port after listening on one');
    this.#url = `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    // Calls left hanging by `accept_then_hang` would hold close() open forever.
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  /** Puts back the messages of an earlier run (the sandbox's history); new `ts` values come after theirs. */
  restore(messages: readonly StoredMessage[]): void {
    for (const message of messages) this.messages.set(message.ts, message);
    this.#counter = Math.max(this.#counter, ...messages.map((message) => Number(message.ts.split('.')[1])));
  }

  /** Holds every call of `method` until the returned function is called. */
  hold(method: string): () => void {
    let release: () => void = () => undefined;
    this.#holds.set(method, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.#holds.delete(method);
      release();
    };
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    const args = parseArgs(raw, request.headers['content-type'] ?? '');
    if (path.startsWith('/response/')) {
      const id = decodeURIComponent(path.slice('/response/'.length));
      const refused = this.rules.refuseResponse(id, args);
      if (refused) return this.#refuse(response, { method: 'response_url', args: { ...args, id } }, refused);
      const reply = { ok: true };
      this.record({ method: 'response_url', args: { ...args, id }, reply });
      return send(response, reply);
    }
    const method = path.replace(/^\/api\//, '');
    await this.#holds.get(method);
    const refused = this.rules.refuseCall(method, args);
    if (refused) return this.#refuse(response, { method, args }, refused);
    const fault = this.faults.get(method)?.shift();
    if (fault === 'http_500') {
      this.record({ method: `${method} (500)`, args, reply: { ok: false, error: 'internal_error' } });
      response.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      return;
    }
    if (fault === 'missing_scope') {
      const reply = { ok: false, error: 'missing_scope' };
      this.record({ method: `${method} (missing_scope)`, args, reply });
      return send(response, reply);
    }
    const limit = this.rateLimits.get(method);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      this.record({ method: `${method} (429)`, args, reply: { ok: false, error: 'ratelimited' } });
      response.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(limit.retryAfterSec),
      });
      response.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const reply = this.#reply(method, args);
    this.record({ method, args, reply });
    // Carried out, never answered: the client times out not knowing that the call took effect.
    if (fault === 'accept_then_hang') return;
    send(response, fault ? { ok: false, error: 'internal_error' } : reply);
  }

  /** Answers as Slack refuses, recording the call as `method (error)`. */
  #refuse(response: ServerResponse, call: Omit<RecordedCall, 'reply'>, refused: Refused): void {
    this.record({ ...call, method: `${call.method} (${String(refused.body.error)})`, reply: refused.body });
    response.writeHead(refused.status, refused.headers).end(JSON.stringify(refused.body));
  }

  #reply(method: string, args: Record<string, unknown>): Reply {
    const channel = String(args.channel ?? '');
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://stand-in.slack.local/',
          team: 'Stand-in',
          user: 'mec-bot',
          team_id: 'T0STANDIN',
          user_id: BOT_USER,
          bot_id: 'B0MECBOT',
        };
      case 'chat.postMessage': {
        const ts = `${1_700_000_000 + this.#counter}.${String(++this.#counter).padStart(6, '0')}`;
        const message: StoredMessage = {
          channel,
          ts,
          text: String(args.text ?? ''),
          blocks: (args.blocks as unknown[]) ?? [],
          user: BOT_USER,
          postedAt: Date.now(),
        };
        if (typeof args.thread_ts === 'string') message.threadTs = args.thread_ts;
        if (args.metadata !== undefined) message.metadata = args.metadata;
        this.messages.set(ts, message);
        this.onMessagesChanged?.();
        return { ok: true, channel, ts, message: { text: message.text, ts } };
      }
      case 'chat.update': {
        const existing = this.messages.get(String(args.ts));
        if (!existing) return { ok: false, error: 'message_not_found' };
        existing.text = String(args.text ?? '');
        existing.blocks = (args.blocks as unknown[]) ?? [];
        existing.editedAt = Date.now();
        this.onMessagesChanged?.();
        return { ok: true, channel, ts: existing.ts, text: existing.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${1_700_000_000}.${String(++this.#counter).padStart(6, '0')}` };
      case 'views.publish':
      case 'views.open':
        return { ok: true, view: { id: `V${++this.#counter}` } };
      case 'users.info': {
        const user = String(args.user ?? '');
        if (!this.anyUserExists && !this.knownUsers.has(user)) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: { id: user, name: user.toLowerCase(), deleted: this.deactivatedUsers.has(user) },
        };
      }
      case 'conversations.history':
        return conversationsHistory(this.messages.values(), args);
      case 'conversations.replies':
        return conversationsReplies(this.messages, args);
      case 'apps.connections.open':
        return this.socketModeUrl
          ? { ok: true, url: this.socketModeUrl }
          : { ok: false, error: 'socket_mode_not_enabled' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}
