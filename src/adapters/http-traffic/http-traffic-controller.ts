import type { TrafficChange, TrafficController } from '../../app/ports/traffic-controller.js';
import { MecError } from '../../domain/errors.js';

/**
 * Tells an external flag system the weight: it POSTs `{ flag, weightPct, phase, rolloutId }` as JSON to a
 * configured URL, so a small shim can drive LaunchDarkly, Unleash or Argo Rollouts. A non-2xx answer
 * fails the job, which is retried; the POST is repeated then, so the receiver must treat the same
 * weight twice as one change.
 */
export class HttpTrafficController implements TrafficController {
  readonly #url: string;
  readonly #flag: string;
  readonly #timeoutMs: number;

  constructor(url: string, flag: string, timeoutMs: number) {
    this.#url = url;
    this.#flag = flag;
    this.#timeoutMs = timeoutMs;
  }

  async setWeight(change: TrafficChange, signal?: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const response = await fetch(this.#url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        flag: this.#flag,
        weightPct: change.weightPct,
        phase: change.phase,
        rolloutId: change.rolloutId,
      }),
      // A lost traffic lock ends the wait at once: another writer may be moving traffic by now.
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!response.ok)
      throw new MecError(
        'traffic_controller_failed',
        `the traffic controller at ${new URL(this.#url).host} answered ${response.status}; the traffic job retries, so check that it is up`,
      );
  }
}
