import { describe, expect, it, vi } from 'vitest';
import { startTimerLoop } from '../../src/composition/timer-loop.js';

/** A promise to settle from outside. */
function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe('startTimerLoop', () => {
  it('runs the first round at once and then again and again, one round at a time', async () => {
    let rounds = 0;
    let running = 0;
    let overlapped = false;
    const loop = startTimerLoop(
      async () => {
        running += 1;
        overlapped ||= running > 1;
        rounds += 1;
        await Promise.resolve();
        running -= 1;
      },
      () => 1,
    );
    expect(rounds).toBe(1);
    await loop.started;
    await vi.waitFor(() => expect(rounds).toBeGreaterThanOrEqual(5));
    await loop.close();
    expect(overlapped).toBe(false);
  });

  it('asks for the delay after each round settles', async () => {
    const events: string[] = [];
    let rounds = 0;
    const loop = startTimerLoop(
      async () => {
        rounds += 1;
        events.push(`round ${rounds}`);
      },
      () => {
        events.push('delay');
        return 1;
      },
    );
    await vi.waitFor(() => expect(rounds).toBeGreaterThanOrEqual(3));
    await loop.close();
    expect(events.slice(0, 5)).toEqual(['round 1', 'delay', 'round 2', 'delay', 'round 3']);
  });

  it('waits on close for the round in flight, and runs none after it', async () => {
    vi.useFakeTimers();
    try {
      const gate = deferred();
      let rounds = 0;
      let inFlight = false;
      const loop = startTimerLoop(
        async () => {
          rounds += 1;
          if (rounds === 2) {
            inFlight = true;
            await gate.promise;
            inFlight = false;
          }
        },
        () => 10,
      );
      await loop.started;
      await vi.advanceTimersByTimeAsync(10);
      expect(inFlight).toBe(true);
      let closed = false;
      const closing = loop.close().then(() => {
        closed = true;
      });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(closed).toBe(false);
      gate.resolve();
      await closing;
      expect(inFlight).toBe(false);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(rounds).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs no round once closed between rounds', async () => {
    vi.useFakeTimers();
    try {
      let rounds = 0;
      const loop = startTimerLoop(
        async () => {
          rounds += 1;
        },
        () => 1_000,
      );
      await loop.started;
      await loop.close();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(rounds).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
