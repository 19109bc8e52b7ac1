import { MecError } from '../domain/errors.js';

/** One Web API call, or one post to a response_url, as it reached the stand-in. */
export interface RecordedCall {
  /** The Web API method (`chat.postMessage`), or `response_url` for posts to a response URL. */
  method: string;
  args: Record<string, unknown>;
  /** What the stand-in answered, e.g. the `ts` of a posted message. */
  reply: Record<string, unknown>;
  /** When the call arrived, in epoch milliseconds. */
  at?: number;
}

/** The calls a stand-in received, in order, for tests to assert on and wait for. */
export class CallLog {
  readonly calls: RecordedCall[] = [];
  readonly #waiters: Array<{
    predicate: (call: RecordedCall) => boolean;
    resolve: (call: RecordedCall) => void;
  }> = [];

  constructor(private readonly clock: () => number = Date.now) {}

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Resolves with the first call, past or future, that matches; with `since`, only calls from that index on. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 5_000, since = 0): Promise<RecordedCall> {
    const seen = this.calls.slice(since).find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new MecError(
              'stand_in_timeout',
              `no matching Slack call within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`,
            ),
          ),
        timeoutMs,
      );
      this.#waiters.push({
        predicate,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      });
    });
  }

  /** Keeps a call, stamped with the time, and wakes whoever waits for one like it. */
  protected record(call: RecordedCall): void {
    call.at = this.clock();
    this.calls.push(call);
    for (const waiter of [...this.#waiters]) {
      if (waiter.predicate(call)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
    }
  }
}
