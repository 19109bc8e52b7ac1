import { webApi } from '@slack/bolt';
import type { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';

/** Bolt's own Web API client, pointed at the stand-in, failing at once instead of retrying. */
export function webClientOn(standIn: SlackApiStandIn): webApi.WebClient {
  return new webApi.WebClient('xoxb-test-token', {
    slackApiUrl: standIn.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}
