/** Error answers that say Slack failed on its side, not that the call was wrong. */
const SLACK_SIDE_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/**
 * Whether a failed Slack Web API call failed on Slack's side or on the way there: it could not be
 * sent or its answer never came (a refused connection, a timeout), or Slack answered 5xx, or
 * `internal_error` / `fatal_error`, after which "it's possible some aspect of the operation
 * succeeded" (https://api.slack.com/methods/calls.info). Such a call may have taken effect, and
 * waiting recovers from it. A 429 or any other error answer says the call did nothing.
 */
export function isSlackSideFailure(error: unknown): boolean {
  const { code, statusCode, data } = (error ?? {}) as {
    code?: string;
    statusCode?: number;
    data?: { error?: string };
  };
  if (code === 'slack_webapi_request_error') return true;
  if (code === 'slack_webapi_http_error') return (statusCode ?? 0) >= 500;
  return code === 'slack_webapi_platform_error' && SLACK_SIDE_ERRORS.has(data?.error ?? '');
}
