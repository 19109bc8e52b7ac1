import { describe, expect, it } from 'vitest';
import { scrubSecretShapes, scrubSecrets } from '../../src/infra/scrub-secrets.js';

describe('scrubSecrets', () => {
  it.each([
    ['token xoxb-1 and xoxb-1 again', ['xoxb-1'], 'token [redacted] and [redacted] again'],
    ['pass abc and abcdef', ['abc', 'abcdef'], 'pass [redacted] and [redacted]'],
    ['nothing secret here', ['s3cret'], 'nothing secret here'],
    ['an empty secret changes nothing', [''], 'an empty secret changes nothing'],
  ])('scrubs %j of %j', (text, secrets, expected) => {
    expect(scrubSecrets(text, secrets)).toBe(expected);
  });
});

describe('scrubSecretShapes', () => {
  it.each([
    ['bot xoxb-1234-5678-abcDEF here', 'bot [redacted] here'],
    ['user xoxp-1-2 refresh xoxe-1-x', 'user [redacted] refresh [redacted]'],
    ['app xapp-1-A0-123-abc', 'app [redacted]'],
    ['posting to https://hooks.slack.com/commands/T1/123/abc failed', 'posting to [redacted] failed'],
    ['{"url":"https://HOOKS.slack.com/actions/T/1/x"}', '{"url":"[redacted]"}'],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer [redacted]'],
    ['connect to redis://:hunter2@cache:6379 refused', 'connect to redis://[redacted]@cache:6379 refused'],
    [
      'nothing to see: https://slack.com/api/chat.postMessage',
      'nothing to see: https://slack.com/api/chat.postMessage',
    ],
  ])('scrubs %j', (text, expected) => {
    expect(scrubSecretShapes(text)).toBe(expected);
  });
});
