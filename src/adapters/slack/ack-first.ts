/**
 * How long the work after an ack waits at most for the acks of the requests that came after it. Well
 * inside Slack's 3 s for an ack, and short next to response_url's 30 minutes for the answer.
 */
const MAX_WAIT_MS = 250;

/**
 * Acknowledgements first. Slack wants each request acknowledged within 3 seconds and retries one that
 * was not, while the answer to a command may come later, at its response_url. The requests this
 * process has begun to read but not yet answered are counted; work after an ack waits while any is in
 * flight (at most `maxWaitMs`), so in a burst every request that arrived is acknowledged before the
 * commands behind the earlier acks are run. It changes when work runs, never whether it does.
 */
export class AckFirst {
  #inFlight = 0;
  readonly #waiting = new Set<() => void>();

  constructor(private readonly maxWaitMs = MAX_WAIT_MS) {}

  /** Counts a request from its arrival until its answer has gone (or its connection closed). */
  track(response: { once(event: 'finish' | 'close', listener: () => void): unknown }): void {
    this.#inFlight += 1;
    let done = false;
    const settle = () => {
      if (done) return;
      done = true;
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#release();
    };
    response.once('finish', settle);
    response.once('close', settle);
  }

  /** Resolves once no request is waiting for its ack, or after `maxWaitMs`. */
  afterAcks(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const go = () => {
        clearTimeout(timer);
        this.#waiting.delete(go);
        resolve();
      };
      const timer = setTimeout(go, this.maxWaitMs);
      this.#waiting.add(go);
    });
  }

  #release(): void {
    for (const go of [...this.#waiting]) go();
  }
}
