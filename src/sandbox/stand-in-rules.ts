import { payloadRefusal, refusalBody } from './slack-payload-rules.js';
import { MethodRateLimiter, ResponseUrlUses } from './slack-rate-limits.js';

/** How the stand-in refuses a call: the HTTP status, headers and JSON body Slack would answer. */
export interface Refused {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown> & { error: string };
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Slack's payload rules and limits, as one gate in front of the stand-in's methods and response URLs. */
export class StandInRules {
  /** Slack's per-method limits (slack-rate-limits.ts). */
  readonly methodLimits = new MethodRateLimiter();
  readonly #responseUrls = new ResponseUrlUses();

  constructor(private readonly now: () => number) {}

  /** A response_url's 30 minutes start when it is handed out. */
  issued(id: string): void {
    this.#responseUrls.issued(id, this.now());
  }

  refuseCall(method: string, args: Record<string, unknown>): Refused | undefined {
    const retryAfterSec = this.methodLimits.take(method, String(args.channel ?? ''), this.now());
    // https://docs.slack.dev/apis/web-api/rate-limits: HTTP 429 with Retry-After in seconds.
    if (retryAfterSec !== undefined)
      return {
        status: 429,
        headers: { ...JSON_TYPE, 'retry-after': String(retryAfterSec) },
        body: { ok: false, error: 'ratelimited' },
      };
    const refusal = payloadRefusal(method, args);
    // Slack answers a payload it refuses with HTTP 200 and ok: false.
    return (
      refusal && { status: 200, headers: JSON_TYPE, body: { ...refusalBody(refusal), error: refusal.error } }
    );
  }

  /** A response_url takes 5 posts in 30 minutes, each a valid message (or a deletion). */
  refuseResponse(id: string, args: Record<string, unknown>): Refused | undefined {
    const refusal = payloadRefusal('response_url', args);
    // Like an incoming webhook, a response_url answers a refused post with an HTTP error status.
    if (refusal)
      return { status: 400, headers: JSON_TYPE, body: { ...refusalBody(refusal), error: refusal.error } };
    const used = this.#responseUrls.use(id, this.now());
    return used && { status: 404, headers: JSON_TYPE, body: { ok: false, error: used } };
  }
}
