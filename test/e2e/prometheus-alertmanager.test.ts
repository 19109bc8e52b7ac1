import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { rulePack } from '../../src/adapters/prometheus/rule-pack.js';
import { freePort } from '../../src/infra/free-port.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { asSent, expressions } from '../support/grafana-dashboard.js';
import {
  ALERT_TOKEN,
  compressed,
  type JobsHarness,
  startJobsHarness,
  toReady,
} from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** A small exporter whose latency attainment the test can degrade. */
async function testExporter() {
  const values = { attainment: 0.99 };
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(
      [
        `mec_latency_slo_attainment_baseline{phase="M6"} 0.99`,
        `mec_latency_slo_attainment{phase="M6"} ${values.attainment}`,
        `mec_determinism_variance{phase="M6"} 0.01`,
        `mec_feature_drift_trips_total{phase="M6"} 0`,
        '',
      ].join('\n'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const address = server.address();
  return { values, target: `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

/** Runs a binary until the test ends, and waits for its readiness endpoint. */
async function startBinary(command: string, args: string[], readyUrl: string): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  cleanups.push(async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(readyUrl).then(
        (response) => response.ok,
        () => false,
      )
    )
      return child;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${command} did not become ready:\n${output}`);
}

describe('alarms through real Prometheus and Alertmanager', () => {
  it('a degraded exporter fires the generated rule, Alertmanager calls the bot, the bot rolls back and pages', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mec-prom-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const [promPort, amPort] = [await freePort(), await freePort()];
    const standIn = new SlackApiStandIn();
    await standIn.start();
    cleanups.push(() => standIn.stop());
    // Alarms with 1 s windows, so the rule fires a second after the breach; the bot's own soak checks
    // stay out of the way (a long interval), so the alert comes the pushed way.
    const harness: JobsHarness = await startJobsHarness(standIn, testRedis(), {
      configure: (config) => {
        const fast = compressed(config);
        return {
          ...fast,
          alarms: fast.alarms.map((alarm) => ({ ...alarm, window: 1_000 })),
          metrics: {
            ...fast.metrics,
            source: 'prometheus',
            prometheusUrl: `http://127.0.0.1:${promPort}`,
            evaluationInterval: 600_000,
          },
          plan: {
            autoAdvance: false,
            steps: fast.plan.steps.map((step) => ('soak' in step ? { soak: 600_000 } : step)),
          },
        };
      },
    });
    cleanups.push(() => harness.close());
    const exporter = await testExporter();

    await writeFile(join(dir, 'mec-m6.rules.yml'), rulePack(harness.config));
    await writeFile(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(dir, 'mec-m6.rules.yml')],
        scrape_configs: [
          { job_name: 'mec-test-exporter', static_configs: [{ targets: [exporter.target] }] },
          // The bot's own /metrics, for the dashboard's queries below.
          { job_name: 'mec-bot', static_configs: [{ targets: [new URL(harness.metricsUrl).host] }] },
        ],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      }),
    );
    await writeFile(
      join(dir, 'alertmanager.yml'),
      stringify({
        route: {
          receiver: 'mec-bot',
          group_by: ['alertname'],
          group_wait: '1s',
          group_interval: '1s',
          repeat_interval: '1h',
        },
        receivers: [
          {
            name: 'mec-bot',
            webhook_configs: [
              {
                url: harness.webhookUrl,
                send_resolved: true,
                http_config: { authorization: { type: 'Bearer', credentials: ALERT_TOKEN } },
              },
            ],
          },
        ],
      }),
    );
    await startBinary(
      'prometheus-alertmanager',
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'am')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
      ],
      `http://127.0.0.1:${amPort}/-/ready`,
    );
    await startBinary(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      `http://127.0.0.1:${promPort}/-/ready`,
    );

    // Until Prometheus has scraped twice, some alarm queries (an `increase` over a range) return no data,
    // which the smoke rightly refuses to call healthy. Wait until every alarm's own query has an answer.
    const unanswered = async (): Promise<string[]> => {
      const missing: string[] = [];
      for (const alarm of harness.config.alarms) {
        const query = new URLSearchParams({ query: alarm.query });
        const response = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?${query}`);
        const body = (await response.json()) as { data?: { result?: unknown[] } };
        if ((body.data?.result?.length ?? 0) === 0) missing.push(alarm.name);
      }
      return missing;
    };
    await expect.poll(unanswered, { timeout: 20_000 }).toEqual([]);
    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.soak?.status === 'running');
    exporter.values.attainment = 0.9;

    const rolledBack = await harness.waitForState(
      (state) => state.lock !== undefined && state.rollback === undefined,
      45_000,
    );
    expect(rolledBack.trafficPct).toBe(0);
    expect(rolledBack.lock?.reason).toContain('BLOCKER latency_slo_drop');
    const notice = await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === 'C0INCIDENT1',
      15_000,
    );
    expect(textOf(notice)).toContain('latency_slo_drop');
    expect(textOf(notice)).toMatch(/is 0\.09\d* against the threshold > 0\.03/);
    // The alert came with the rule pack's labels; the bot counts it under the configured alarm.
    const metrics = await (await fetch(harness.metricsUrl)).text();
    expect(metrics).toMatch(
      /^mec_alarms_total\{alarm="latency_slo_drop",mec_severity="BLOCKER",status="firing"\} [1-9]/m,
    );

    // The Grafana dashboard's queries, run by this Prometheus on what it scraped of the bot.
    const query = async (expr: string) => {
      const response = await fetch(
        `http://127.0.0.1:${promPort}/api/v1/query?${new URLSearchParams({ query: asSent(expr) })}`,
      );
      return (await response.json()) as { status: string; error?: string; data?: { result?: unknown[] } };
    };
    await expect
      .poll(async () => (await query('sum(mec_alarm_to_shadow_seconds_count)')).data?.result?.length, {
        timeout: 15_000,
      })
      .toBe(1);
    const answers = await Promise.all(
      (await expressions()).map(async ({ title, expr }) => ({ title, answer: await query(expr) })),
    );
    expect(answers.filter(({ answer }) => answer.status !== 'success')).toEqual([]);
    const empty = answers
      .filter(({ answer }) => (answer.data?.result?.length ?? 0) === 0)
      .map(({ title }) => title);
    for (const title of [
      'Traffic on meta_prod',
      'Open CRITICAL gates',
      'Rollbacks in range',
      'Processes',
      'Memory',
    ])
      expect(empty).not.toContain(title);
  }, 90_000);
});
