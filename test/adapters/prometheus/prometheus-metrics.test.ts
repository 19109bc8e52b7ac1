import { PrometheusMetrics } from '../../../src/adapters/prometheus/prometheus-metrics.js';
import { describeMetricsSourceContract } from '../../app/ports/metrics-source.contract.js';
import { listenForTest } from '../../support/local-server.js';

type Answer = { status: number; body: unknown };

const vector = (result: unknown[]) => ({ status: 'success', data: { resultType: 'vector', result } });

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
        const body = vector([{ metric: {}, value: [1_700_000_000, String(value)] }]);
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
