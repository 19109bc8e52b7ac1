import { afterEach, describe, expect, it } from 'vitest';
import {
  type SlackConnection,
  slackConnection,
  startDelayMs,
  startFailureOf,
} from '../../../src/adapters/slack/slack-connection.js';
import { recordingLog } from '../../support/recording-log.js';

const connections: SlackConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.stop()));
});

/** What Bolt's Web API client throws, by kind, as it reaches the connection. */
const FAILURES = {
  http500: Object.assign(new Error('An HTTP protocol error occurred: statusCode = 500'), {
    code: 'slack_webapi_http_error',
    statusCode: 500,
  }),
  rateLimited: Object.assign(new Error('A rate-limit has been reached'), {
    code: 'slack_webapi_rate_limited_error',
    retryAfter: 3,
  }),
  refused: Object.assign(new Error('A request error occurred: fetch failed'), {
    code: 'slack_webapi_request_error',
    original: Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
  }),
  invalidAuth: Object.assign(new Error('An API error occurred: invalid_auth'), {
    code: 'slack_webapi_platform_error',
    data: { ok: false, error: 'invalid_auth' },
  }),
};

describe('startDelayMs', () => {
  it.each([
    [1, 0, 1_000],
    [2, 0, 2_000],
    [3, 0, 4_000],
    [4, 0, 8_000],
    [5, 0, 15_000],
    [40, 0, 15_000],
    [1, 5_000, 5_000],
    [6, 90_000, 90_000],
  ])('after failure %i with Retry-After %i ms waits %i ms', (failures, retryAfterMs, expectedMs) => {
    expect(startDelayMs(failures, retryAfterMs)).toBe(expectedMs);
  });
});

describe('startFailureOf', () => {
  it.each([
    [FAILURES.http500, 'http_500', 'HTTP 500', undefined],
    [FAILURES.rateLimited, 'rate_limited', 'rate limited (Retry-After 3 s)', 3_000],
    [FAILURES.refused, 'unreachable_ECONNREFUSED', 'unreachable (ECONNREFUSED)', undefined],
    [
      FAILURES.invalidAuth,
      'refused_invalid_auth',
      'Slack refused the bot token (invalid_auth): check SLACK_BOT_TOKEN',
      undefined,
    ],
  ])('names %s for the log and /readyz', (error, kind, text, retryAfterMs) => {
    expect(startFailureOf(error)).toEqual({ kind, text, ...(retryAfterMs ? { retryAfterMs } : {}) });
  });
});

describe('slackConnection', () => {
  /** An attempt that fails with each of `failures` in turn, then succeeds; counts its calls. */
  function scripted(failures: Error[]) {
    const script = { calls: 0 };
    const attempt = async () => {
      const failure = failures[script.calls];
      script.calls += 1;
      if (failure) throw failure;
    };
    return { script, attempt };
  }

  it('retries through 500, 429 and a refused connection until Slack answers, logging each kind once', async () => {
    const failures = [
      FAILURES.http500,
      FAILURES.http500,
      FAILURES.rateLimited,
      FAILURES.refused,
      FAILURES.refused,
      FAILURES.refused,
    ];
    const { script, attempt } = scripted(failures);
    const log = recordingLog();
    // Retry-After is honoured whatever the backoff says; 3 s is the one real wait of this test.
    const connection = slackConnection(attempt, log, { firstMs: 1, maxMs: 4 });
    connections.push(connection);
    expect(connection.status()).toEqual({ ready: false, detail: 'connecting' });
    connection.start();
    await expect.poll(() => connection.status().ready, { timeout: 30_000 }).toBe(true);
    expect(script.calls).toBe(failures.length + 1);
    expect(connection.status()).toEqual({ ready: true, detail: 'ok' });
    expect(log.at('warn').map((line) => line.fields.slack)).toEqual([
      'HTTP 500',
      'rate limited (Retry-After 3 s)',
      'unreachable (ECONNREFUSED)',
    ]);
    expect(log.at('info')).toEqual([
      expect.objectContaining({
        fields: { attempts: 7 },
        message: expect.stringContaining('Slack answers again'),
      }),
    ]);
  });

  it('reports why it is not ready while Slack keeps failing, and stops retrying when stopped', async () => {
    const { script, attempt } = scripted(Array.from({ length: 1_000 }, () => FAILURES.refused));
    const connection = slackConnection(attempt, recordingLog(), { firstMs: 1, maxMs: 2 });
    connection.start();
    await expect.poll(() => script.calls, { timeout: 30_000 }).toBeGreaterThan(2);
    expect(connection.status()).toEqual({ ready: false, detail: 'not ready: unreachable (ECONNREFUSED)' });
    // stop() waits for the retry loop to end, so it resolves only once no attempt can follow.
    await connection.stop();
    expect(connection.status().ready).toBe(false);
  });

  it('makes one attempt for many callers at once, and none once connected', async () => {
    const { script, attempt } = scripted([]);
    const connection = slackConnection(attempt, recordingLog());
    expect(await Promise.all([connection.ensure(), connection.ensure(), connection.ensure()])).toEqual([
      true,
      true,
      true,
    ]);
    expect(await connection.ensure()).toBe(true);
    expect(script.calls).toBe(1);
  });
});
