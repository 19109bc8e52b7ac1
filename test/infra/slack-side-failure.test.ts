import { describe, expect, it } from 'vitest';
import { isSlackSideFailure } from '../../src/infra/slack-side-failure.js';

describe('isSlackSideFailure', () => {
  it.each<[string, unknown, boolean]>([
    ['a refused connection or timeout', { code: 'slack_webapi_request_error' }, true],
    ['a 500', { code: 'slack_webapi_http_error', statusCode: 500 }, true],
    ['a 503', { code: 'slack_webapi_http_error', statusCode: 503 }, true],
    ['a 404', { code: 'slack_webapi_http_error', statusCode: 404 }, false],
    ['internal_error', { code: 'slack_webapi_platform_error', data: { error: 'internal_error' } }, true],
    ['fatal_error', { code: 'slack_webapi_platform_error', data: { error: 'fatal_error' } }, true],
    ['invalid_blocks', { code: 'slack_webapi_platform_error', data: { error: 'invalid_blocks' } }, false],
    ['a 429', { code: 'slack_webapi_rate_limited_error', retryAfter: 1 }, false],
    ['an error of our own', new Error('boom'), false],
    ['nothing at all', undefined, false],
  ])('%s: %s', (_name, error, expected) => {
    expect(isSlackSideFailure(error)).toBe(expected);
  });
});
