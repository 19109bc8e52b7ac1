import type { ResponderPager } from '../../app/ports/responder-pager.js';
import { MecError } from '../../domain/errors.js';
import type { Incident } from '../../domain/incident.js';
import type { PageAction } from '../../domain/page-action.js';
import type { Severity } from '../../domain/rollout-event.js';

/** PagerDuty's Events API v2 endpoint (the EU service's is events.eu.pagerduty.com). */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** The Events API's longest `payload.summary`, in characters. */
const SUMMARY_MAX_CHARS = 1024;
/** An answer is a small JSON object; anything longer is not the Events API's. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * PagerDuty's severity for each severity that pages. A BLOCKER has rolled production back: critical. A
 * CRITICAL alarm holds the ramps while production is unharmed: error, so that PagerDuty's event rules
 * can still route it apart from a rollback, which is the one that should wake someone at once.
 */
const SEVERITY: Record<Exclude<Severity, 'WARNING'>, 'critical' | 'error'> = {
  BLOCKER: 'critical',
  CRITICAL: 'error',
};

export interface PagerDutyOptions {
  /** The Events API v2 integration key, 32 characters. A secret: it is sent to PagerDuty and nowhere else. */
  routingKey: string;
  /** The enqueue endpoint; PagerDuty's by default. */
  url?: string;
  /** How long one request may take, answer included, in milliseconds. Default 10 000. */
  timeoutMs?: number;
}

/**
 * Incidents as PagerDuty alerts, through the Events API v2: the incident's id is the `dedup_key`, so a
 * repeated trigger, acknowledge or resolve applies to the one alert. 202 is taken; 429 and 5xx, or no
 * answer at all, throw an error worth retrying; 400 and other refusals throw `pager_refused`.
 */
export class PagerDutyEvents implements ResponderPager {
  readonly #routingKey: string;
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(options: PagerDutyOptions) {
    const url = new URL(options.url ?? PAGERDUTY_EVENTS_URL);
    if (url.username || url.password)
      throw new MecError(
        'pager_refused',
        `the PagerDuty URL for ${url.host} carries credentials; the routing key goes in the body, so remove them`,
      );
    this.#routingKey = options.routingKey;
    this.#url = url.toString();
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(incident: Incident, action: PageAction): Promise<void> {
    const body = JSON.stringify(this.#event(incident, action));
    let response: Response;
    let answer: string;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      answer = await readCapped(response);
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new MecError(
        'pager_unreachable',
        timedOut
          ? `PagerDuty did not answer the ${action} of incident ${incident.id} within ${this.#timeoutMs} ms; it is sent again`
          : `PagerDuty could not be reached for the ${action} of incident ${incident.id} (${describe(error)}); it is sent again`,
      );
    }
    const { status } = response;
    if (status >= 200 && status < 300) return;
    const what = `the ${action} of incident ${incident.id}`;
    if (status === 429)
      throw new MecError('pager_rate_limited', `PagerDuty answered 429 to ${what}; it is sent again later`);
    if (status >= 500)
      throw new MecError('pager_unreachable', `PagerDuty answered ${status} to ${what}; it is sent again`);
    throw new MecError(
      'pager_refused',
      `PagerDuty refused ${what} (${status}): ${this.#scrub(refusalOf(answer))}. Check MEC_PAGERDUTY_ROUTING_KEY and MEC_PAGERDUTY_URL`,
    );
  }

  /** The Events API v2 body: acknowledge and resolve name the alert only; a trigger describes it. */
  #event(incident: Incident, action: PageAction) {
    const base = { routing_key: this.#routingKey, event_action: action, dedup_key: incident.id };
    if (action !== 'trigger') return base;
    if (incident.severity === 'WARNING')
      throw new MecError('invariant_violated', `the WARNING incident ${incident.id} pages nobody`);
    return {
      ...base,
      client: 'mec-bot',
      payload: {
        summary: truncate(
          `${incident.severity} ${incident.alarm} in ${incident.phase}: ${incident.summary}`,
          SUMMARY_MAX_CHARS,
        ),
        source: `mec-bot/${incident.phase}`,
        severity: SEVERITY[incident.severity],
        timestamp: incident.receivedAt,
        component: incident.alarm,
        group: incident.phase,
        class: `${incident.severity.toLowerCase()} governance alarm`,
        custom_details: {
          incident: incident.id,
          value: incident.value,
          threshold: `${incident.comparator} ${incident.threshold}`,
          window_ms: incident.windowMs,
          traffic_pct_before: incident.fromPct,
          ...(incident.rollbackId ? { rollback: incident.rollbackId } : {}),
          ...(incident.instances ? { alerts: incident.instances.length } : {}),
        },
      },
    };
  }

  /** A refusal's text never carries the key, even if PagerDuty quoted it back. */
  #scrub(text: string): string {
    return text.replaceAll(this.#routingKey, '[redacted]');
  }
}

/** `text` cut to at most `maxChars` characters (code points), ending in an ellipsis when cut. */
function truncate(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join('')}…`;
}

/** The Events API's 400 body is `{status, message, errors: [...]}`: its message and errors, in one line. */
function refusalOf(answer: string): string {
  try {
    const parsed = JSON.parse(answer) as { message?: unknown; errors?: unknown };
    const errors = Array.isArray(parsed.errors) ? parsed.errors.map(String) : [];
    const message = typeof parsed.message === 'string' ? parsed.message : 'no message';
    return errors.length > 0 ? `${message}: ${errors.join('; ')}` : message;
  } catch {
    return JSON.stringify(answer.length > 200 ? `${answer.slice(0, 200)}…` : answer);
  }
}

/** The body text, stopping (and failing: that is no Events API answer) once it passes MAX_ANSWER_BYTES. */
async function readCapped(response: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      await response.body?.cancel();
      throw new MecError('pager_unreachable', `PagerDuty answered more than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What went wrong on the wire, from fetch's error and its cause (ECONNREFUSED and the like). */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}
