import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../src/adapters/prometheus/prometheus-metrics.js';
import { freePort } from '../../../src/infra/free-port.js';
import { listen } from '../../support/http-stub.js';

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
