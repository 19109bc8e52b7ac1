import { z } from 'zod';
import type { MetricsSource, QueriedAlarm } from '../../app/ports/metrics-source.js';
import { breaches, type Reading, type WatchedAlarm } from '../../domain/alarm-watch.js';

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
 * Reads alarm values from Prometheus's HTTP query API (`/api/v1/query`). Every series of a vector counts,
 * and the worst decides: a breaching series is read as the breach; otherwise a series that is not a
 * finite number (NaN, ±Inf, text) makes the reading an error. An unreachable server, a timeout, an error
 * answer or an empty result are errors too: none of them means healthy.
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
      const samples =
        resultType === 'scalar'
          ? [(result as [number, string])[1]]
          : (result as Array<{ value: [number, string] }>).map((series) => series.value[1]);
      return { alarm: alarm.name, ...worstOf(alarm, samples) };
    } catch (error) {
      return { alarm: alarm.name, error: `Prometheus unreachable: ${(error as Error).message}` };
    }
  }
}

/**
 * The series that breaches most for the alarm's comparator (the highest for gt/gte, the lowest for
 * lt/lte). A breach outranks an unreadable series, since it is certain; otherwise any unreadable series,
 * or none at all, leaves nothing to call healthy.
 */
function worstOf(alarm: WatchedAlarm, samples: readonly string[]): { value: number } | { error: string } {
  if (samples.length === 0) return { error: 'no data for the query' };
  const values = samples.map(Number).filter(Number.isFinite);
  const upward = alarm.comparator === 'gt' || alarm.comparator === 'gte';
  const worst = values.length === 0 ? undefined : upward ? Math.max(...values) : Math.min(...values);
  if (worst !== undefined && breaches(alarm, worst)) return { value: worst };
  const unreadable = samples.filter((sample) => !Number.isFinite(Number(sample)));
  if (unreadable.length > 0 || worst === undefined)
    return {
      error: `value ${unreadable[0]} is not a number (${unreadable.length} of ${samples.length} series)`,
    };
  return { value: worst };
}
