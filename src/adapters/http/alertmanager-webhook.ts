import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AlertBatch } from '../../app/ports/alert-batch.js';
import { errorCodeOf } from '../../domain/errors.js';
import { ExpiringMemo } from '../../infra/expiring-memo.js';
import { type RouteHandler, sendJson } from './http-server.js';
import { BodyTooLargeError, readBody } from './read-body.js';

const labels = z.record(z.string(), z.string());

/** Alertmanager's webhook payload, version 4. */
const alertmanagerPayload = z.object({
  version: z.literal('4'),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labels,
  commonLabels: labels,
  commonAnnotations: labels,
  externalURL: z.string(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels,
        annotations: labels,
        startsAt: z.iso.datetime({ offset: true }),
        endsAt: z.string(),
        generatorURL: z.string(),
        fingerprint: z.string().min(1),
      }),
    )
    .min(1),
});
type AlertmanagerPayload = z.infer<typeof alertmanagerPayload>;

/** What the alert intake takes of a payload: the group key, and each alert's own fields. */
function toAlertBatch(payload: AlertmanagerPayload): AlertBatch {
  return {
    groupKey: payload.groupKey,
    alerts: payload.alerts.map(({ status, labels, annotations, startsAt, fingerprint }) => ({
      status,
      labels,
      annotations,
      startsAt,
      fingerprint,
    })),
  };
}

export const ALERTMANAGER_PATH = '/alerts/alertmanager';

/** The largest webhook body taken: Alertmanager groups rarely come near it. */
const MAX_WEBHOOK_BYTES = 256 * 1024;

const digestOf = (text: string) => createHash('sha256').update(text).digest();

// Both sides hashed, so the comparison is over equal lengths and takes the same time either way. The
// expected token's digest is taken once, not on every request: in a storm each hash is loop time.
function sameToken(given: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(digestOf(given), expectedDigest);
}

/** Seconds Alertmanager is asked to wait before it sends a batch again that could not be taken in. */
const RETRY_AFTER_S = 1;

/** How long a body taken in is answered again without being parsed, in milliseconds. */
const RESENT_FOR_MS = 60_000;
/** The most bodies remembered; the oldest are forgotten first. */
const RESENT_BODIES = 10_000;

/**
 * `POST /alerts/alertmanager`: authenticated with a bearer token, its payload validated, then handed to
 * `take` as an alert batch, and answered 200 once it is taken in; a byte-for-byte re-send within a
 * minute gets the same answer at once. A wrong or missing token is 401, a
 * malformed body 400 with what is wrong, an oversized one 413; a batch that could not be taken in
 * (Redis unreachable) is 503 with `retry-after`, so Alertmanager sends it again.
 */
export function alertmanagerWebhook(
  token: string | undefined,
  take: (batch: AlertBatch) => Promise<unknown>,
): RouteHandler {
  const expectedDigest = token ? digestOf(token) : undefined;
  // The answers given to bodies taken in lately, by the body's digest. In a storm nearly every request
  // is a byte-for-byte re-send: the same bytes were a valid payload and name the same batch, so they
  // get the same answer without the parse, the validation and the queue's round trip.
  const resent = new ExpiringMemo<string>(RESENT_BODIES);
  return async (request, response) => {
    if (!expectedDigest) return sendJson(response, 503, { error: 'the webhook is off: set MEC_ALERT_TOKEN' });
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Bearer ') || !sameToken(header.slice('Bearer '.length), expectedDigest)) {
      response.setHeader('www-authenticate', 'Bearer');
      return sendJson(response, 401, {
        error: 'send the MEC_ALERT_TOKEN as "Authorization: Bearer <token>"',
      });
    }
    let text: string;
    try {
      text = await readBody(request, MAX_WEBHOOK_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendJson(response, 413, { error: error.message });
      throw error;
    }
    const bodyDigest = createHash('sha256').update(text).digest('base64');
    const answer = resent.get(bodyDigest);
    if (answer !== undefined)
      return void response.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return sendJson(response, 400, { error: `malformed JSON: ${(error as Error).message}` });
    }
    const parsed = alertmanagerPayload.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      );
      return sendJson(response, 400, { error: 'not an Alertmanager v4 webhook payload', problems });
    }
    let taken: unknown;
    try {
      taken = await take(toAlertBatch(parsed.data));
    } catch (error) {
      response.setHeader('retry-after', String(RETRY_AFTER_S));
      // Not the error's own text: it may name Redis's address. Its outage is in the process's log.
      return sendJson(response, 503, {
        error: 'the alerts could not be queued; send them again',
        code: errorCodeOf(error),
      });
    }
    const answered = JSON.stringify(taken);
    resent.set(bodyDigest, answered, RESENT_FOR_MS);
    response.writeHead(200, { 'content-type': 'application/json' }).end(answered);
  };
}
