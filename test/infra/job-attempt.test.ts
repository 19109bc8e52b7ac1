import { describe, expect, it } from 'vitest';
import { isRetry, runAttempt } from '../../src/infra/job-attempt.js';

describe('runAttempt', () => {
  it('tells the work inside, across awaits, whether the attempt is a retry, and nothing outside', async () => {
    expect(isRetry()).toBe(false);
    const seen = await Promise.all([
      runAttempt(true, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return isRetry();
      }),
      runAttempt(false, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return isRetry();
      }),
    ]);
    expect(seen).toEqual([true, false]);
    expect(isRetry()).toBe(false);
  });
});
