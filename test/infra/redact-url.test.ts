import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/infra/redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['redis://:s3cret@cache:6379/0', 'redis://:redacted@cache:6379/0'],
    ['rediss://admin:s3cret@cache:6380', 'rediss://redacted:redacted@cache:6380'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
  ])('keeps the secret in %s out of logs', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
    expect(redactUrl(url)).not.toContain('s3cret');
  });
});
