import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileFlagRegistry } from '../../../src/adapters/files/file-flag-registry.js';
import { HttpTrafficController } from '../../../src/adapters/http-traffic/http-traffic-controller.js';
import { PrometheusMetrics } from '../../../src/adapters/prometheus/prometheus-metrics.js';
import { redisAdapters } from '../../../src/adapters/redis/redis-adapters.js';
import { moveTraffic } from '../../../src/app/move-traffic.js';
import { freePort } from '../../../src/infra/free-port.js';
import { useTestRedis } from '../../support/redis.js';
import { copyExampleWorkspace } from '../../support/workspace.js';

const testRedis = useTestRedis();

async function listen(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const LATENCY = {
  name: 'latency_slo_drop',
  severity: 'BLOCKER' as const,
  comparator: 'gt' as const,
  threshold: 0.03,
  query: 'mec_latency_drop',
};

describe('the traffic controllers', () => {
  async function fileController() {
    const workspace = await copyExampleWorkspace();
    const { prefix, connect } = testRedis();
    const { rootRecord, ledger } = redisAdapters(connect(), prefix);
    const registry = new FileFlagRegistry(workspace, 'meta/meta_flags.json');
    return {
      workspace,
      ledger,
      controller: {
        setWeight: (change: Parameters<typeof moveTraffic>[1]) =>
          moveTraffic(
            { registry, rootRecord, now: () => new Date(), flag: 'meta_prod', external: undefined },
            change,
          ),
      },
    };
  }

  it('writes meta_prod once, and records nothing when the weight is already set', async () => {
    const { workspace, ledger, controller } = await fileController();
    const change = { phase: 'M6', rolloutId: 'R1', actor: 'U0RELEASEMGR', weightPct: 25 };
    expect(await controller.setWeight(change)).toEqual({ changed: true });
    expect(await controller.setWeight(change)).toEqual({ changed: false });
    const flags = JSON.parse(await readFile(join(workspace, 'meta/meta_flags.json'), 'utf8'));
    expect(flags.meta_prod).toEqual({ mode: 'ramp', weightPct: 25 });
    expect((await ledger.read()).filter((entry) => entry.body.reason === 'registry_write')).toHaveLength(1);
  });

  it('POSTs the weight to the configured URL, and fails the job on a non-2xx answer', async () => {
    const received: unknown[] = [];
    let status = 200;
    const shim = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.writeHead(status).end();
      });
    });
    try {
      const http = new HttpTrafficController(`${shim.url}/flags`, 'meta_prod', 2_000);
      await http.setWeight({ phase: 'M6', rolloutId: 'R1', actor: 'U0RELEASEMGR', weightPct: 60 });
      expect(received).toEqual([{ flag: 'meta_prod', weightPct: 60, phase: 'M6', rolloutId: 'R1' }]);
      status = 503;
      await expect(
        http.setWeight({ phase: 'M6', rolloutId: 'R1', actor: 'U0RELEASEMGR', weightPct: 100 }),
      ).rejects.toThrow('answered 503');
    } finally {
      await shim.close();
    }
  });
});

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
});
