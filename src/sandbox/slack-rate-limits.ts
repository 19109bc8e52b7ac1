/**
 * Slack's rate limits as the stand-in applies them: a token bucket per Web API method (per channel for
 * chat.postMessage), and the use limit of a response_url. Pure: the caller passes `nowMs`.
 */

/** A bucket: `burst` calls at once, refilled at `perMinute`. */
export interface MethodLimit {
  perMinute: number;
  burst: number;
  /** chat.postMessage is limited per channel; the others per app and workspace. */
  perChannel?: boolean;
}

// https://docs.slack.dev/apis/web-api/rate-limits: Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min,
// "sporadic bursts" welcome; posting messages "1 per second" per channel, "short bursts >1 allowed".
// Each method's tier is on its reference page (docs.slack.dev/reference/methods/<method>).
const TIER_3: MethodLimit = { perMinute: 50, burst: 100 };
const TIER_4: MethodLimit = { perMinute: 100, burst: 100 };
export const METHOD_LIMITS: Readonly<Record<string, MethodLimit>> = {
  // Special tier: about one a second per channel. The burst lets a rollout's own flurry (card, thread
  // replies, notice) through, as Slack tolerates short bursts.
  'chat.postMessage': { perMinute: 60, burst: 30, perChannel: true },
  'chat.update': TIER_3,
  'chat.postEphemeral': TIER_4,
  'views.open': TIER_4,
  'views.update': TIER_4,
  'views.publish': TIER_4,
  'users.info': TIER_4,
  'auth.test': TIER_4,
  'conversations.history': TIER_3,
  'conversations.replies': TIER_3,
  // Tier 1: about one a minute.
  'apps.connections.open': { perMinute: 1, burst: 5 },
};

/** Token buckets, one per method (and channel where the method is limited per channel). */
export class MethodRateLimiter {
  readonly #buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(private readonly limits: Readonly<Record<string, MethodLimit>> = METHOD_LIMITS) {}

  /** Takes one call's token; undefined when allowed, else the seconds to wait (Retry-After). */
  take(method: string, channel: string, nowMs: number): number | undefined {
    const limit = this.limits[method];
    if (!limit) return undefined;
    const key = limit.perChannel ? `${method} ${channel}` : method;
    const refillPerMs = limit.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: limit.burst, atMs: nowMs };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (nowMs - bucket.atMs) * refillPerMs);
    bucket.atMs = nowMs;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1_000));
  }
}

// https://docs.slack.dev/interactivity/handling-user-interaction: a response_url can be used "up to 5
// times within 30 minutes" of receiving the payload.
export const RESPONSE_URL_LIMIT = { uses: 5, windowMs: 30 * 60_000 } as const;

/** Why a post to a response_url is refused, if it is. */
export type ResponseUrlRefusal = 'used_url' | 'expired_url';

/** Counts the uses of each response_url from the moment it was handed out. */
export class ResponseUrlUses {
  readonly #urls = new Map<string, { issuedAtMs: number; uses: number }>();

  issued(id: string, nowMs: number): void {
    if (!this.#urls.has(id)) this.#urls.set(id, { issuedAtMs: nowMs, uses: 0 });
  }

  /** Counts one use; a refusal when the URL is past its window or its uses. */
  use(id: string, nowMs: number): ResponseUrlRefusal | undefined {
    this.issued(id, nowMs);
    const url = this.#urls.get(id) as { issuedAtMs: number; uses: number };
    if (nowMs - url.issuedAtMs > RESPONSE_URL_LIMIT.windowMs) return 'expired_url';
    if (url.uses >= RESPONSE_URL_LIMIT.uses) return 'used_url';
    url.uses += 1;
    return undefined;
  }
}
