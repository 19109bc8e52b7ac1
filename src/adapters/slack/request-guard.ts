import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import { defaultBodyLimit, HTTPModuleFunctions, isValidSlackRequest } from '@slack/bolt';
import type { RequestClaims } from '../../app/ports/request-claims.js';
import type { Logger } from '../../infra/logger.js';

type Listener = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

/**
 * Slack refuses requests more than five minutes from local time either way, as replays
 * (https://api.slack.com/authentication/verifying-requests-from-slack); Bolt checks only the past side.
 */
const WINDOW_SEC = 5 * 60;
/**
 * A signature stays claimed past the last moment its request could still pass: signed up to five
 * minutes ahead and accepted up to five minutes behind, plus a minute of clock skew.
 */
const SIGNATURE_CLAIM_MS = (2 * WINDOW_SEC + 60) * 1_000;
/**
 * Slack retries a delivery at once, after a minute and after five minutes
 * (https://api.slack.com/apis/connections/events-api#retries); an hour covers every retry.
 */
const ONCE_CLAIM_MS = 60 * 60 * 1_000;
/** Slack user ids: U or W, then upper-case letters and digits (https://api.slack.com/changelog/2016-08-11-user-id-format-changes). */
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
/**
 * A v0 signature is `v0=` and a hex HMAC-SHA256; Bolt reads only the first two `=` parts, so anything
 * after them would verify too and look like a new request.
 */
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/** What the guard reads from a verified body: who acts, and what Slack keeps the same across a retry. */
interface RequestFacts {
  kind: string;
  /** Present for commands and interactions, which must name a well-formed user. */
  actor?: unknown;
  /** event_id for an event, trigger_id for a command or an interaction. */
  onceKey?: string;
}

export interface RequestGuardOptions {
  signingSecret: string;
  /** Without them, signatures and retries are not remembered (only timestamps and actors are checked). */
  claims?: RequestClaims;
  logger: Logger;
  nowMs?: () => number;
}

/**
 * In front of Bolt's receiver: a verified request signed for the future is refused, one that names a
 * malformed actor gets a 400, a signature seen before is refused as a replay, and a request whose
 * event_id or trigger_id was already handled (a Slack retry) is acknowledged without being processed.
 * Anything it cannot verify goes on to Bolt, which refuses it with its own answer.
 */
export function guardRequests(options: RequestGuardOptions, next: Listener): Listener {
  const { signingSecret, claims, logger } = options;
  const nowMs = options.nowMs ?? Date.now;
  return async (request, response) => {
    let rawBody: Buffer;
    try {
      ({ rawBody } = await HTTPModuleFunctions.bufferIncomingMessage(request, defaultBodyLimit));
    } catch {
      return void send(response, 413, 'the request body is too large or unreadable');
    }
    const body = rawBody.toString();
    const signature = request.headers['x-slack-signature'];
    const timestampSec = Number(request.headers['x-slack-request-timestamp']);
    const signed =
      typeof signature === 'string' &&
      isValidSlackRequest({
        signingSecret,
        body,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestampSec },
        nowMilliseconds: nowMs(),
      });
    // Bolt answers unsigned requests itself: an ssl_check, or a 401.
    if (!signed) return next(request, response);
    if (!SIGNATURE.test(signature)) {
      logger.warn('Slack request with a malformed signature header refused');
      return void send(response, 401, 'the x-slack-signature header is not v0= and 64 hex digits');
    }
    const retry = request.headers['x-slack-retry-num'];
    const context = { retryNum: typeof retry === 'string' ? retry : undefined };
    if (timestampSec > Math.floor(nowMs() / 1_000) + WINDOW_SEC) {
      logger.warn({ ...context, timestampSec }, 'Slack request signed for the future refused');
      return void send(response, 401, 'the request timestamp is more than five minutes ahead');
    }
    const facts = readFacts(body, request.headers['content-type']);
    if (!facts) return void send(response, 400, 'the request body is not a Slack payload');
    if ('actor' in facts && (typeof facts.actor !== 'string' || !SLACK_USER.test(facts.actor))) {
      logger.warn({ ...context, kind: facts.kind }, 'Slack request with a malformed user id refused');
      return void send(response, 400, 'the request does not name a Slack user id, like U024BE7LH');
    }
    if (claims) {
      // The signed text, not the header: one signed request has one key, however its header is spelled.
      const signatureKey = `sig:${sha256(`${timestampSec}:${body}`)}`;
      const onceKey = facts.onceKey && `once:${sha256(facts.onceKey)}`;
      // Both in one round trip, the signature first: a replay never claims the request's key.
      const taken = await claims.claimInOrder([
        { key: signatureKey, ttlMs: SIGNATURE_CLAIM_MS },
        ...(onceKey ? [{ key: onceKey, ttlMs: ONCE_CLAIM_MS }] : []),
      ]);
      if (taken === 0) {
        if (context.retryNum) return void acknowledge(response);
        logger.warn({ kind: facts.kind, key: signatureKey.slice(0, 20) }, 'replayed Slack request refused');
        return void send(response, 401, 'this signed request was already received once');
      }
      if (taken === 1) {
        logger.info({ ...context, kind: facts.kind }, 'Slack request already handled acknowledged again');
        return void acknowledge(response);
      }
      // Not handled after all (an error answer, or the connection gone before one): Slack's retry is.
      if (onceKey)
        response.once('close', () => {
          if (response.writableFinished && response.statusCode < 500) return;
          claims.release(onceKey).catch((error: unknown) => {
            logger.warn({ err: error }, 'a failed Slack request could not be released for its retry');
          });
        });
    }
    return next(request, response);
  };
}

function readFacts(body: string, contentType: string | undefined): RequestFacts | undefined {
  try {
    if (contentType?.startsWith('application/json')) {
      const json = JSON.parse(body) as Record<string, unknown>;
      const eventId = typeof json.event_id === 'string' ? json.event_id : undefined;
      return { kind: String(json.type), ...(eventId ? { onceKey: `event:${eventId}` } : {}) };
    }
    const form = parse(body);
    if (typeof form.payload === 'string') {
      const payload = JSON.parse(form.payload) as {
        type?: unknown;
        user?: { id?: unknown };
        trigger_id?: unknown;
      };
      const trigger = typeof payload.trigger_id === 'string' ? payload.trigger_id : undefined;
      return {
        kind: String(payload.type),
        actor: payload.user?.id,
        ...(trigger ? { onceKey: `trigger:${trigger}` } : {}),
      };
    }
    if (typeof form.command === 'string') {
      const trigger = typeof form.trigger_id === 'string' ? form.trigger_id : undefined;
      return { kind: 'command', actor: form.user_id, ...(trigger ? { onceKey: `trigger:${trigger}` } : {}) };
    }
    return { kind: 'unknown' };
  } catch {
    return undefined;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function send(response: ServerResponse, status: number, error: string): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'x-slack-no-retry': '1' })
    .end(JSON.stringify({ error }));
}

function acknowledge(response: ServerResponse): void {
  response.writeHead(200).end();
}
