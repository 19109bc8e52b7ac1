import { setTimeout as sleep } from 'node:timers/promises';
import type { OutageLogger } from '../../infra/log-redis-outages.js';

/** How start-up attempts back off: doubling from `firstMs`, never more than `maxMs` apart. */
export interface StartBackoff {
  firstMs: number;
  maxMs: number;
}

const START_BACKOFF: StartBackoff = { firstMs: 1_000, maxMs: 15_000 };

/**
 * How long to wait after the `failures`-th failed attempt in a row (1 for the first): the capped
 * exponential backoff, or Slack's Retry-After when that asks for longer.
 */
export function startDelayMs(failures: number, retryAfterMs = 0, backoff = START_BACKOFF): number {
  const exponentialMs = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.max(0, failures - 1));
  return Math.max(exponentialMs, retryAfterMs);
}

/** Why an attempt failed, told without the request (which carries the token). */
export interface StartFailure {
  /** Stable per kind of failure, so an outage logs each kind once: `http_500`, `rate_limited`, … */
  kind: string;
  /** For people and for /readyz. */
  text: string;
  retryAfterMs?: number;
}

interface SlackClientError {
  code?: string;
  statusCode?: number;
  retryAfter?: number;
  data?: { error?: string };
  original?: { cause?: { code?: string }; code?: string };
}

/** Reads what Bolt's Web API client threw into a failure that is safe to log. */
export function startFailureOf(error: unknown): StartFailure {
  const failed = (error ?? {}) as SlackClientError;
  switch (failed.code) {
    case 'slack_webapi_rate_limited_error': {
      const retryAfterMs = (failed.retryAfter ?? 1) * 1_000;
      return {
        kind: 'rate_limited',
        text: `rate limited (Retry-After ${retryAfterMs / 1_000} s)`,
        retryAfterMs,
      };
    }
    case 'slack_webapi_http_error':
      return { kind: `http_${failed.statusCode}`, text: `HTTP ${failed.statusCode}` };
    case 'slack_webapi_request_error': {
      const cause = failed.original?.cause?.code ?? failed.original?.code ?? 'no answer';
      return { kind: `unreachable_${cause}`, text: `unreachable (${cause})` };
    }
    case 'slack_webapi_platform_error': {
      const reason = failed.data?.error ?? 'unknown';
      return {
        kind: `refused_${reason}`,
        text: `Slack refused the bot token (${reason}): check SLACK_BOT_TOKEN`,
      };
    }
    default:
      return { kind: 'unexpected', text: error instanceof Error ? error.message : String(error) };
  }
}

export interface SlackConnection {
  /** Starts connecting in the background, retrying with backoff until Slack answers; returns at once. */
  start(): void;
  /** One attempt now unless connected (or one is under way): whether Slack is connected after it. */
  ensure(): Promise<boolean>;
  /** For /readyz: `ok`, or why not yet. */
  status(): { ready: boolean; detail: string };
  /** Stops retrying; waits for the attempt under way. */
  stop(): Promise<void>;
}

/**
 * Connects to Slack (`attempt`: auth.test, Bolt's init, Socket Mode's start) without ever throwing: a
 * Slack that is down or rate-limits at start is retried with capped exponential backoff, honouring
 * Retry-After, while the rest of the process runs. Each kind of failure is logged once per outage, and
 * the recovery once.
 */
export function slackConnection(
  attempt: () => Promise<void>,
  logger: Pick<OutageLogger, 'info' | 'warn'>,
  backoff: StartBackoff = START_BACKOFF,
): SlackConnection {
  let ready = false;
  let detail = 'connecting';
  let inFlight: Promise<boolean> | undefined;
  let failures = 0;
  let lastFailure: StartFailure | undefined;
  const logged = new Set<string>();
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;

  const once = async (): Promise<boolean> => {
    try {
      await attempt();
      if (failures > 0) logger.info({ attempts: failures + 1 }, 'Slack answers again: the Slack side is up');
      ready = true;
      detail = 'ok';
      failures = 0;
      lastFailure = undefined;
      logged.clear();
    } catch (error) {
      failures += 1;
      lastFailure = startFailureOf(error);
      detail = `not ready: ${lastFailure.text}`;
      if (!logged.has(lastFailure.kind)) {
        logged.add(lastFailure.kind);
        logger.warn(
          { slack: lastFailure.text, attempt: failures },
          'Slack did not answer at start; retrying with backoff. The webhook, the workers and rollbacks keep running',
        );
      }
    }
    return ready;
  };

  const ensure = (): Promise<boolean> => {
    if (ready) return Promise.resolve(true);
    inFlight ??= once().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const run = async () => {
    while (!stopping.signal.aborted && !(await ensure())) {
      const delayMs = startDelayMs(failures, lastFailure?.retryAfterMs, backoff);
      await sleep(delayMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  };

  return {
    start: () => {
      loop ??= run();
    },
    ensure,
    status: () => ({ ready, detail }),
    stop: async () => {
      stopping.abort();
      await loop;
    },
  };
}
