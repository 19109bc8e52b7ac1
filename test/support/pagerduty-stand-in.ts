import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { onTestFinished } from 'vitest';

/** An event the stand-in took (answered 202), as it was sent. */
interface AcceptedEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: Record<string, unknown>;
  [field: string]: unknown;
}

/** One request that reached the stand-in, and the status it answered. */
interface PagerDutyRequest {
  body: string;
  status: number;
}

export interface PagerDutyStandIn {
  /** The enqueue endpoint, `<base>/v2/enqueue`. */
  url: string;
  /** The integration key it takes; any other is refused. */
  routingKey: string;
  /** Every event it accepted, in order. */
  accepted: AcceptedEvent[];
  /** Every request that reached it, in order, with its status. */
  requests: PagerDutyRequest[];
  /** Answers the next `count` well-formed events with `status` (429 or a 5xx) instead of taking them. */
  failNext(status: number, count: number): void;
  /** Stops listening: requests find the port closed until `up`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** PagerDuty's documented size limit of an event, in bytes. */
const MAX_EVENT_BYTES = 512 * 1024;
const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const TOP_FIELDS = new Set([
  'routing_key',
  'event_action',
  'dedup_key',
  'payload',
  'images',
  'links',
  'client',
  'client_url',
]);
const PAYLOAD_FIELDS = new Set([
  'summary',
  'source',
  'severity',
  'timestamp',
  'component',
  'group',
  'class',
  'custom_details',
]);
/** ISO 8601 date and time, with a zone: what the Events API takes as a timestamp. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What is wrong with an Events API v2 alert event, as PagerDuty's docs describe the schema
 * (developer.pagerduty.com, "Send an Alert Event"): empty when nothing is. Unknown fields are refused
 * too, so a misspelt one fails here rather than being dropped in silence.
 */
export function eventProblems(event: unknown, routingKey: string): string[] {
  if (!isObject(event)) return ['the body is not a JSON object'];
  const problems: string[] = [];
  for (const field of Object.keys(event))
    if (!TOP_FIELDS.has(field)) problems.push(`'${field}' is not a field of an event`);
  const key = event.routing_key;
  if (typeof key !== 'string' || key.length !== 32)
    problems.push("'routing_key' must be a 32-character integration key");
  else if (key !== routingKey) problems.push("'routing_key' is not an integration key of this account");
  const action = event.event_action;
  if (typeof action !== 'string' || !ACTIONS.includes(action))
    problems.push("'event_action' must be one of trigger, acknowledge, resolve");
  const dedup = event.dedup_key;
  if (dedup !== undefined && (typeof dedup !== 'string' || dedup.length === 0 || dedup.length > 255))
    problems.push("'dedup_key' must be a string of at most 255 characters");
  if ((action === 'acknowledge' || action === 'resolve') && dedup === undefined)
    problems.push(`'dedup_key' is required for ${action}`);
  if (action === 'trigger') problems.push(...payloadProblems(event.payload));
  problems.push(
    ...contextProblems(event.images, 'images', 'src'),
    ...contextProblems(event.links, 'links', 'href'),
  );
  for (const field of ['client', 'client_url'])
    if (event[field] !== undefined && typeof event[field] !== 'string')
      problems.push(`'${field}' must be a string`);
  return problems;
}

function payloadProblems(payload: unknown): string[] {
  if (!isObject(payload)) return ["'payload' is required for trigger and must be an object"];
  const problems: string[] = [];
  for (const field of Object.keys(payload))
    if (!PAYLOAD_FIELDS.has(field)) problems.push(`'payload.${field}' is not a field of a payload`);
  const { summary, source, severity, timestamp } = payload;
  if (typeof summary !== 'string' || summary.length === 0 || [...summary].length > 1024)
    problems.push("'payload.summary' is required, at most 1024 characters");
  if (typeof source !== 'string' || source.length === 0) problems.push("'payload.source' is required");
  if (typeof severity !== 'string' || !SEVERITIES.includes(severity))
    problems.push("'payload.severity' must be one of critical, error, warning, info");
  if (
    timestamp !== undefined &&
    (typeof timestamp !== 'string' || !ISO_8601.test(timestamp) || Number.isNaN(Date.parse(timestamp)))
  )
    problems.push("'payload.timestamp' must be an ISO 8601 date and time");
  for (const field of ['component', 'group', 'class'])
    if (payload[field] !== undefined && typeof payload[field] !== 'string')
      problems.push(`'payload.${field}' must be a string`);
  if (payload.custom_details !== undefined && !isObject(payload.custom_details))
    problems.push("'payload.custom_details' must be an object");
  return problems;
}

/** `images` (each with an https `src`) and `links` (each with an `href`) are optional arrays of objects. */
function contextProblems(list: unknown, name: string, required: string): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return [`'${name}' must be an array`];
  return list.flatMap((item, index) => {
    if (!isObject(item) || typeof item[required] !== 'string')
      return [`'${name}[${index}].${required}' is required`];
    if (name === 'images' && !String(item.src).startsWith('https://'))
      return [`'images[${index}].src' must be served over HTTPS`];
    return [];
  });
}

/**
 * PagerDuty's Events API v2 on 127.0.0.1 for the current test: POST /v2/enqueue with a JSON event,
 * checked as the real API checks it. It answers 202 `{status: "success", message: "Event processed",
 * dedup_key}` (a trigger without a key gets one made up), 400 `{status: "invalid event", message,
 * errors}` for a bad event, 404 elsewhere; and, when told, 429 or a 5xx, or nothing (down).
 */
export async function startPagerDutyStandIn(
  routingKey = 'R0UTINGKEY0123456789abcdefABCDEF',
): Promise<PagerDutyStandIn> {
  const accepted: AcceptedEvent[] = [];
  const requests: PagerDutyRequest[] = [];
  const faults: number[] = [];
  const answer = (method: string, path: string, type: string, body: string) => {
    const reply = (status: number, json: unknown) => {
      requests.push({ body, status });
      return { status, json };
    };
    if (method !== 'POST' || path !== '/v2/enqueue') return reply(404, { status: 'not found' });
    const invalid = (errors: string[]) =>
      reply(400, { status: 'invalid event', message: 'Event object is invalid', errors });
    if (Buffer.byteLength(body) > MAX_EVENT_BYTES) return invalid(['the event is larger than 512 KB']);
    if (!type.toLowerCase().startsWith('application/json')) return invalid(['the body must be JSON']);
    let event: unknown;
    try {
      event = JSON.parse(body);
    } catch {
      return invalid(['the body is not valid JSON']);
    }
    const problems = eventProblems(event, routingKey);
    if (problems.length > 0) return invalid(problems);
    const fault = faults.shift();
    if (fault !== undefined) return reply(fault, { status: 'error', message: 'stand-in fault' });
    const taken = event as AcceptedEvent;
    const dedup = taken.dedup_key ?? randomUUID().replaceAll('-', '');
    accepted.push({ ...taken, dedup_key: dedup });
    return reply(202, { status: 'success', message: 'Event processed', dedup_key: dedup });
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { status, json } = answer(
        request.method ?? 'GET',
        new URL(request.url ?? '/', 'http://stand-in').pathname,
        request.headers['content-type'] ?? '',
        Buffer.concat(chunks).toString('utf8'),
      );
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  await listen(0);
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the PagerDuty stand-in has no port');
  const { port } = address;
  onTestFinished(stop);
  return {
    url: `http://127.0.0.1:${port}/v2/enqueue`,
    routingKey,
    accepted,
    requests,
    failNext: (status, count) => faults.push(...Array<number>(count).fill(status)),
    down: stop,
    up: () => listen(port),
    close: stop,
  };
}
