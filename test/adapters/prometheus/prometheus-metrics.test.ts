import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../src/adapters/prometheus/prometheus-metrics.js';
import type { QueriedAlarm } from '../../../src/app/ports/metrics-source.js';
import { freePort } from '../../../src/infra/free-port.js';
import { describeMetricsSourceContract } from '../../app/ports/metrics-source.contract.js';
import { T0 } from '../../domain/fixtures.js';
import { listen } from '../../support/http-stub.js';
import { listenForTest } from '../../support/local-server.js';

/** How the fake answers a query: with a status and a body, or (`hang`) never. */
type Answer = { status: number; body: unknown } | 'hang';

const vector = (result: unknown[]) => ({ status: 'success', data: { resultType: 'vector', result } });

/** A number as Prometheus's JSON writes a sample value: `+Inf`, `-Inf` and `NaN` as such. */
function promValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** Prometheus's instant-query API, answering each query as the test set it; a query it was not told of has no data. */
async function fakePrometheus() {
  const answers = new Map<string, Answer>();
  const server = await listenForTest((request, response) => {
    const url = new URL(request.url, 'http://prometheus');
    const query = url.searchParams.get('query') ?? '';
    const answer =
      url.pathname === '/api/v1/query'
        ? (answers.get(query) ?? { status: 200, body: vector([]) })
        : { status: 404, body: { status: 'error', error: 'not found' } };
    if (answer === 'hang') return;
    response
      .writeHead(answer.status, { 'content-type': 'application/json' })
      .end(JSON.stringify(answer.body));
  });
  return { answers, server };
}

describeMetricsSourceContract(
  'prometheus',
  async () => {
    const prometheus = await fakePrometheus();
    return {
      prometheus,
      source: new PrometheusMetrics(prometheus.server.url, 2_000),
      set: async (alarm, value) => {
        const body = vector([{ metric: {}, value: [1_700_000_000, promValue(value)] }]);
        prometheus.answers.set(alarm.query, { status: 200, body });
      },
    };
  },
  {
    'has no data for the query': async ({ prometheus }, alarm) => {
      prometheus.answers.delete(alarm.query);
    },
    'answers 503': async ({ prometheus }, alarm) => {
      prometheus.answers.set(alarm.query, { status: 503, body: { status: 'error', error: 'unavailable' } });
    },
    'answers with a query error': async ({ prometheus }, alarm) => {
      const body = { status: 'error', errorType: 'bad_data', error: 'parse error' };
      prometheus.answers.set(alarm.query, { status: 200, body });
    },
    'answers a value that is not a number': async ({ prometheus }, alarm) => {
      prometheus.answers.set(alarm.query, { status: 200, body: vector([{ metric: {}, value: [1, 'NaN'] }]) });
    },
    'is out of reach': ({ prometheus }) => prometheus.server.close(),
  },
);

const series = (...values: string[]) =>
  vector(values.map((value, index) => ({ metric: { pod: `pod-${index}` }, value: [1_700_000_000, value] })));

const alarmWith = (comparator: QueriedAlarm['comparator'], threshold: number): QueriedAlarm => ({
  name: 'latency_slo_drop',
  severity: 'BLOCKER',
  comparator,
  threshold,
  query: 'mec_latency_drop',
});

describe('prometheus: a vector of several series', () => {
  it.each([
    { comparator: 'gt', threshold: 0.03, values: ['0.01', '0.05'], value: 0.05 },
    { comparator: 'gte', threshold: 0.1, values: ['0.02', '0.1', '0.04'], value: 0.1 },
    { comparator: 'lt', threshold: 0.95, values: ['0.99', '0.9'], value: 0.9 },
    { comparator: 'lte', threshold: 0.95, values: ['0.97', '0.95', '0.96'], value: 0.95 },
    { comparator: 'gt', threshold: 0.03, values: ['0.01', '0.02'], value: 0.02 },
    { comparator: 'lt', threshold: 0.95, values: ['0.99', '0.98'], value: 0.98 },
  ] as const)(
    'reads the worst series for $comparator $threshold: $values gives $value',
    async ({ comparator, threshold, values, value }) => {
      const prometheus = await fakePrometheus();
      const alarm = alarmWith(comparator, threshold);
      prometheus.answers.set(alarm.query, { status: 200, body: series(...values) });
      const source = new PrometheusMetrics(prometheus.server.url, 2_000);
      expect(await source.read(alarm, T0)).toEqual({ alarm: alarm.name, value });
    },
  );

  it('reads a breaching series even when another series has no number', async () => {
    const prometheus = await fakePrometheus();
    const alarm = alarmWith('gt', 0.03);
    prometheus.answers.set(alarm.query, { status: 200, body: series('NaN', '0.05') });
    const source = new PrometheusMetrics(prometheus.server.url, 2_000);
    expect(await source.read(alarm, T0)).toEqual({ alarm: alarm.name, value: 0.05 });
  });
});

describe('prometheus: never healthy', () => {
  it.each<[string, Answer]>([
    ['an empty vector', { status: 200, body: vector([]) }],
    ['a NaN value', { status: 200, body: series('NaN') }],
    ['a +Inf value', { status: 200, body: series('+Inf') }],
    ['a -Inf value', { status: 200, body: series('-Inf') }],
    ['a value that is not numeric', { status: 200, body: series('fast') }],
    ['a NaN series beside a healthy one', { status: 200, body: series('0.01', 'NaN') }],
    ['an +Inf series beside a healthy one', { status: 200, body: series('+Inf', '0.01') }],
    [
      'a non-numeric scalar',
      { status: 200, body: { status: 'success', data: { resultType: 'scalar', result: [1, 'NaN'] } } },
    ],
    ['an HTTP 500', { status: 500, body: { status: 'error', error: 'internal' } }],
    [
      'an HTTP 422 with a query error',
      { status: 422, body: { status: 'error', errorType: 'execution', error: 'boom' } },
    ],
    ['a body that is not a query result', { status: 200, body: { hello: 'world' } }],
    ['no answer before the timeout', 'hang'],
  ])('gives an error reading for %s', async (_, answer) => {
    const prometheus = await fakePrometheus();
    const alarm = alarmWith('gt', 0.03);
    prometheus.answers.set(alarm.query, answer);
    const source = new PrometheusMetrics(prometheus.server.url, 200);
    const reading = await source.read(alarm, T0);
    expect(reading).toEqual({ alarm: alarm.name, error: expect.any(String) });
    expect((reading as { error: string }).error).not.toBe('');
  });
});

const LATENCY = {
  name: 'latency_slo_drop',
  severity: 'BLOCKER' as const,
  comparator: 'gt' as const,
  threshold: 0.03,
  query: 'mec_latency_drop',
};

describe('PrometheusMetrics', () => {
  it('reads the value of an instant query', async () => {
    const prometheus = await listen((request, response) => {
      const query = new URL(request.url ?? '', 'http://x').searchParams.get('query');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'vector',
            result: [{ metric: {}, value: [1, query === 'mec_latency_drop' ? '0.041' : '0'] }],
          },
        }),
      );
    });
    try {
      expect(await new PrometheusMetrics(prometheus.url, 2_000).read(LATENCY, new Date())).toEqual({
        alarm: 'latency_slo_drop',
        value: 0.041,
      });
    } finally {
      await prometheus.close();
    }
  });

  it.each([
    ['an empty result', { status: 'success', data: { resultType: 'vector', result: [] } }, 'no data'],
    ['a query error', { status: 'error', errorType: 'bad_data', error: 'parse error' }, 'unexpected shape'],
    [
      'a value that is not a number',
      { status: 'success', data: { resultType: 'vector', result: [{ value: [1, 'NaN'] }] } },
      'not a number',
    ],
  ])('reads %s as an error, never as healthy', async (_what, body, error) => {
    const prometheus = await listen((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    try {
      const reading = await new PrometheusMetrics(prometheus.url, 2_000).read(LATENCY, new Date());
      expect(reading).toMatchObject({ alarm: 'latency_slo_drop', error: expect.stringContaining(error) });
    } finally {
      await prometheus.close();
    }
  });

  it('reads an unreachable server as an error', async () => {
    const reading = await new PrometheusMetrics(`http://127.0.0.1:${await freePort()}`, 1_000).read(
      LATENCY,
      new Date(),
    );
    expect(reading).toMatchObject({ error: expect.stringContaining('unreachable') });
  });

  it("asks for the alarm's own query at the instant given, in seconds", async () => {
    const asked: URLSearchParams[] = [];
    const prometheus = await listen((request, response) => {
      asked.push(new URL(request.url ?? '', 'http://x').searchParams);
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '0.5'] } }));
    });
    try {
      const at = new Date('2025-10-21T13:00:00.500Z');
      const reading = await new PrometheusMetrics(`${prometheus.url}/`, 2_000).read(LATENCY, at);
      expect(reading).toEqual({ alarm: 'latency_slo_drop', value: 0.5 });
      expect(asked.map((params) => [params.get('query'), params.get('time')])).toEqual([
        ['mec_latency_drop', String(at.getTime() / 1000)],
      ]);
    } finally {
      await prometheus.close();
    }
  });

  it('reads an answer other than 200 as an error', async () => {
    const prometheus = await listen((_request, response) => void response.writeHead(503).end());
    try {
      expect(await new PrometheusMetrics(prometheus.url, 2_000).read(LATENCY, new Date())).toEqual({
        alarm: 'latency_slo_drop',
        error: 'Prometheus answered 503',
      });
    } finally {
      await prometheus.close();
    }
  });
});
