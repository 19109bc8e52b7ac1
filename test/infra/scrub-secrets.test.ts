import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../src/infra/scrub-secrets.js';

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
