import { describe, expect, it } from 'vitest';
import type { MecConfig } from '../../src/config/config-schema.js';
import { readConfig } from '../../src/config/load-settings.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { holdingSoaks, startJobsHarness, toReady } from '../support/jobs-harness.js';
import { listenForTest } from '../support/local-server.js';
import { useTestRedis } from '../support/redis.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();

/** Prometheus's query API answering every configured alarm with two series, per pod. */
async function twoSeriesPrometheus(config: MecConfig) {
  const values = new Map(
    config.alarms.map((alarm) => [alarm.query, [alarm.threshold - 1, alarm.threshold - 1]]),
  );
  const server = await listenForTest((request, response) => {
    const query = new URL(request.url, 'http://prometheus').searchParams.get('query') ?? '';
    const result = (values.get(query) ?? []).map((value, index) => ({
      metric: { pod: `pod-${index}` },
      value: [1_700_000_000, String(value)],
    }));
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  return { url: server.url, values };
}

describe('watchTick on Prometheus', () => {
  it('rolls back when only the second series of a BLOCKER query breaches', async () => {
    const loaded = await readConfig('examples/m6/mec.config.yml');
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const prometheus = await twoSeriesPrometheus(loaded.config);
    const standIn = new SlackApiStandIn();
    await standIn.start();
    const harness = await startJobsHarness(standIn, testRedis(), {
      configure: (config) => {
        const fast = holdingSoaks(config);
        return { ...fast, metrics: { ...fast.metrics, source: 'prometheus', prometheusUrl: prometheus.url } };
      },
    });
    try {
      await toReady(harness, standIn);
      await harness.command(PEOPLE.releaseManager, 'ramp 5');
      await harness.waitForState((state) => state.soak?.status === 'running');
      const latency = harness.config.alarms.find((alarm) => alarm.name === 'latency_slo_drop');
      // The first series stays healthy; reading only it, as the source once did, never trips.
      prometheus.values.set(latency?.query ?? '', [0.01, 0.05]);
      const locked = await harness.waitForState((state) => state.lock !== undefined);
      expect(locked.trafficPct).toBe(0);
      expect(locked.lock?.reason).toContain('BLOCKER latency_slo_drop');
    } finally {
      await harness.close();
      await standIn.stop();
    }
  });
});
