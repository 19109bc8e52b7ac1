import { webApi } from '@slack/bolt';
import type { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';

/**
 * Bolt's own Web API client, pointed at the stand-in, failing at once instead of retrying; with
 * `timeoutMs`, a call not answered by then fails as a timeout.
 */
export function webClientOn(standIn: SlackApiStandIn, timeoutMs?: number): webApi.WebClient {
  return new webApi.WebClient('xoxb-test-token', {
    slackApiUrl: standIn.apiUrl,
    ...(timeoutMs ? { timeout: timeoutMs } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}
