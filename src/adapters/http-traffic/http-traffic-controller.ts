import type { TrafficChange, TrafficController } from '../../app/ports/traffic-controller.js';
import { MecError } from '../../domain/errors.js';

/**
 * Moves traffic in the registry and tells an external flag system: after the registry write, it POSTs
 * `{ flag, weightPct, phase, rolloutId }` as JSON to a configured URL, so a small shim can drive
 * LaunchDarkly, Unleash or Argo Rollouts. A non-2xx answer fails the job, which is retried; the POST is
 * repeated then, so the receiver must treat the same weight twice as one change.
 */
export class HttpTrafficController implements TrafficController {
  readonly #registry: TrafficController;
  readonly #url: string;
  readonly #flag: string;
  readonly #timeoutMs: number;

  constructor(registry: TrafficController, url: string, flag: string, timeoutMs: number) {
    this.#registry = registry;
    this.#url = url;
    this.#flag = flag;
    this.#timeoutMs = timeoutMs;
  }

  async setWeight(change: TrafficChange): Promise<{ changed: boolean }> {
    const result = await this.#registry.setWeight(change);
    const response = await fetch(this.#url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        flag: this.#flag,
        weightPct: change.weightPct,
        phase: change.phase,
        rolloutId: change.rolloutId,
      }),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    if (!response.ok)
      throw new MecError(
        'traffic_controller_failed',
        `the traffic controller at ${new URL(this.#url).host} answered ${response.status}; the traffic job retries, so check that it is up`,
      );
    return result;
  }
}
