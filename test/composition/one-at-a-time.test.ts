import { describe, expect, it } from 'vitest';
import { oneAtATime } from '../../src/composition/one-at-a-time.js';

/** A run that ends when the test says so, counting how many run at once. */
function controlledRuns() {
  const ends: ((value: string) => void)[] = [];
  const fails: ((error: Error) => void)[] = [];
  let running = 0;
  let most = 0;
  const run = () =>
    new Promise<string>((resolve, reject) => {
      running += 1;
      most = Math.max(most, running);
      ends.push((value) => {
        running -= 1;
        resolve(value);
      });
      fails.push((error) => {
        running -= 1;
        reject(error);
      });
    });
  const settle = () => new Promise((done) => setImmediate(done));
  return { run, ends, fails, most: () => most, settle };
}

describe('oneAtATime', () => {
  it('runs one at a time: calls made while one runs share the one run after it', async () => {
    const runs = controlledRuns();
    const once = oneAtATime(runs.run);
    const first = once();
    const [second, third] = [once(), once()];
    await runs.settle();
    expect(runs.ends).toHaveLength(1);
    runs.ends[0]?.('first');
    expect(await first).toBe('first');
    await runs.settle();
    expect(runs.ends).toHaveLength(2);
    // A call made while the shared run runs waits for the run after that.
    const fourth = once();
    runs.ends[1]?.('second');
    expect([await second, await third]).toEqual(['second', 'second']);
    await runs.settle();
    runs.ends[2]?.('third');
    expect(await fourth).toBe('third');
    expect(runs.most()).toBe(1);
  });

  it('goes on after a run fails: the failure is its callers’, the next run is the next callers’', async () => {
    const runs = controlledRuns();
    const once = oneAtATime(runs.run);
    const failed = once();
    const next = once();
    await runs.settle();
    runs.fails[0]?.(new Error('thread crashed'));
    await expect(failed).rejects.toThrow('thread crashed');
    await runs.settle();
    runs.ends[1]?.('fine');
    expect(await next).toBe('fine');
    const later = once();
    await runs.settle();
    runs.ends[2]?.('later');
    expect(await later).toBe('later');
  });
});
