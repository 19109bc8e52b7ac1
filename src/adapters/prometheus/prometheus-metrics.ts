import { z } from 'zod';
import type { MetricsSource, QueriedAlarm } from '../../app/ports/metrics-source.js';
import type { Reading } from '../../domain/alarm-watch.js';

const instantVector = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.enum(['vector', 'scalar']),
    result: z.union([
      z.array(z.object({ value: z.tuple([z.number(), z.string()]) })),
      z.tuple([z.number(), z.string()]),
    ]),
  }),
});

/**
 * Reads alarm values from Prometheus's HTTP query API (`/api/v1/query`). An unreachable server, an error,
 * an empty result or a value that is not a number are all errors: none of them means healthy.
 */
export class PrometheusMetrics implements MetricsSource {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, timeoutMs: number) {
    this.#baseUrl = baseUrl.replace(/\/$/, '');
    this.#timeoutMs = timeoutMs;
  }

  async read(alarm: QueriedAlarm, at: Date): Promise<Reading> {
    const url = `${this.#baseUrl}/api/v1/query?${new URLSearchParams({ query: alarm.query, time: String(at.getTime() / 1000) })}`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
      if (!response.ok) return { alarm: alarm.name, error: `Prometheus answered ${response.status}` };
      const parsed = instantVector.safeParse(await response.json());
      if (!parsed.success)
        return { alarm: alarm.name, error: 'Prometheus answered with an unexpected shape' };
      const { resultType, result } = parsed.data.data;
      const sample =
        resultType === 'scalar'
          ? (result as [number, string])
          : (result as Array<{ value: [number, string] }>)[0]?.value;
      if (!sample) return { alarm: alarm.name, error: 'no data for the query' };
      const value = Number(sample[1]);
      return Number.isFinite(value)
        ? { alarm: alarm.name, value }
        : { alarm: alarm.name, error: `value ${sample[1]} is not a number` };
    } catch (error) {
      return { alarm: alarm.name, error: `Prometheus unreachable: ${(error as Error).message}` };
    }
  }
}
