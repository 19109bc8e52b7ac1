import { describe, expect, it } from 'vitest';
import { deferPaced, isRetry, newAttempt, notePosted, runAttempt } from '../../src/infra/job-attempt.js';

describe('runAttempt', () => {
  it('tells the work inside, across awaits, whether the attempt is a retry, and nothing outside', async () => {
    expect(isRetry()).toBe(false);
    const seen = await Promise.all([
      runAttempt(newAttempt(true), async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return isRetry();
      }),
      runAttempt(newAttempt(false), async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return isRetry();
      }),
    ]);
    expect(seen).toEqual([true, false]);
    expect(isRetry()).toBe(false);
  });

  it('records on its own attempt that a post went out and how long a paced post must wait', async () => {
    const posting = newAttempt(false);
    const paced = newAttempt(false);
    await Promise.all([
      runAttempt(posting, async () => notePosted()),
      runAttempt(paced, async () => expect(deferPaced(700)).toBe(true)),
    ]);
    expect(posting).toEqual({ retry: false, posted: true });
    expect(paced).toEqual({ retry: false, posted: false, pacedMs: 700 });
  });

  it('leaves a paced wait to the caller outside any job', () => {
    expect(deferPaced(700)).toBe(false);
    notePosted();
  });
});
