export interface TimerLoop {
  /** Resolves once the first round, run at once, has finished. */
  started: Promise<void>;
  /** Stops the timer and waits for a round under way. */
  close(): Promise<void>;
}

/**
 * Runs `round` now and then again `delayMs()` after each one settles, one round at a time, until
 * closed. `round` handles its own errors.
 */
export function startTimerLoop(round: () => Promise<void>, delayMs: () => number): TimerLoop {
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let running = round();
  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      running = round().then(schedule);
    }, delayMs());
  };
  const started = running.then(schedule);
  return {
    started,
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
