import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../../src/adapters/memory/memory-ledger.js';
import { MemoryRolloutStore } from '../../../src/adapters/memory/memory-rollout-store.js';
import { BotMetrics } from '../../../src/adapters/prometheus/bot-metrics.js';
import { alertPayload } from '../../support/alertmanager.js';
import { compressed, type JobsHarness, toReady, useHarnessPerTest } from '../../support/jobs-harness.js';
import { promtoolCheckMetrics } from '../../support/promtool.js';
import { useTestRedis } from '../../support/redis.js';
import { PEOPLE } from '../../support/slack-harness.js';

const testRedis = useTestRedis();
const harnesses = useHarnessPerTest(testRedis);

async function scrape(harness: JobsHarness): Promise<string> {
  const response = await fetch(harness.metricsUrl);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** The value of one sample line, e.g. `mec_traffic_weight_ratio{phase="M6"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The sample lines of one metric, without its HELP and TYPE lines. */
const seriesOf = (text: string, name: string) =>
  text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

/** A bot's metrics on an in-memory store, for what needs no rollout. */
function standalone() {
  return new BotMetrics({
    store: new MemoryRolloutStore(new MemoryLedger()),
    phase: 'M6',
    alarms: [
      { name: 'latency_slo_drop', severity: 'BLOCKER' },
      { name: 'feature_drift', severity: 'WARNING' },
    ],
    queues: ['mec-ramp', 'mec-soak'],
    artifactRoot: async () => 'a'.repeat(64),
    now: () => new Date('2025-10-21T13:00:00.000Z'),
    build: { version: '1.2.3', role: 'worker' },
  });
}

describe('GET /metrics', () => {
  it('reports traffic, stage, approvals and gates from the stored rollout', async () => {
    const harness = await harnesses.start();
    await toReady(harness, harnesses.standIn());
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.soak?.status === 'running');
    const text = await scrape(harness);
    expect(sample(text, 'mec_traffic_weight_ratio{phase="M6"}')).toBe(0.05);
    expect(sample(text, 'mec_rollout_stage{phase="M6",stage="ramping"}')).toBe(1);
    expect(sample(text, 'mec_rollout_stage{phase="M6",stage="ready"}')).toBe(0);
    expect(sample(text, 'mec_approvals_valid{phase="M6"}')).toBe(4);
    expect(sample(text, 'mec_gates_open{phase="M6"}')).toBe(0);
    expect(sample(text, 'mec_ramp_step_duration_seconds_count{weight_percent="5"}')).toBe(1);
    // A job's duration is observed when it completes, just after the state change it made.
    await expect
      .poll(async () => sample(await scrape(harness), 'mec_job_duration_seconds_count{queue="mec-ramp"}'), {
        timeout: 5_000,
      })
      .toBeGreaterThanOrEqual(1);
  });

  it('counts alarms by alarm and severity and rollbacks by reason, and times the way from alarm to shadow', async () => {
    const harness = await harnesses.start();
    await toReady(harness, harnesses.standIn());
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.soak?.status === 'running');
    await harness.alert(alertPayload({ alarm: 'latency_slo_drop', severity: 'critical' }));
    await harness.alert(alertPayload({ alarm: 'feature_drift', severity: 'info' }));
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    await expect
      .poll(async () => sample(await scrape(harness), 'mec_alarm_to_shadow_seconds_count'), {
        timeout: 5_000,
      })
      .toBe(1);
    const text = await scrape(harness);
    expect(
      sample(text, 'mec_alarms_total{alarm="latency_slo_drop",mec_severity="BLOCKER",status="firing"}'),
    ).toBe(1);
    expect(
      sample(text, 'mec_alarms_total{alarm="feature_drift",mec_severity="WARNING",status="firing"}'),
    ).toBe(1);
    expect(sample(text, 'mec_rollbacks_total{reason="blocker_alarm"}')).toBe(1);
    expect(sample(text, 'mec_soak_duration_seconds_count{outcome="ended"}')).toBe(1);
    expect(sample(text, 'mec_traffic_weight_ratio{phase="M6"}')).toBe(0);
    expect(sample(text, 'mec_rollout_stage{phase="M6",stage="locked"}')).toBe(1);
    expect(sample(text, 'mec_approvals_valid{phase="M6"}')).toBe(0);
  });

  it('times each step, each soak and the whole rollout, and passes promtool check metrics', async () => {
    const harness = await harnesses.start((config) => compressed(config));
    await toReady(harness, harnesses.standIn());
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.status === 'complete', 30_000);
    const text = await scrape(harness);
    for (const weight of [5, 25, 60, 100])
      expect(sample(text, `mec_ramp_step_duration_seconds_count{weight_percent="${weight}"}`)).toBe(1);
    expect(sample(text, 'mec_soak_duration_seconds_count{outcome="passed"}')).toBe(4);
    expect(sample(text, 'mec_rollout_duration_seconds_count{outcome="complete"}')).toBe(1);
    expect(sample(text, 'mec_rollout_stage{phase="M6",stage="complete"}')).toBe(1);
    expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, output: '' });
  });
});

describe('BotMetrics', () => {
  it('exports the default Node.js metrics under their standard names, which promtool accepts', async () => {
    const metrics = standalone();
    const text = await metrics.registry.metrics();
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_gc_duration_seconds',
      'nodejs_active_handles',
    ])
      expect(text).toContain(`# TYPE ${name} `);
    expect(text).not.toContain('mec_process_');
    expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, output: '' });
  });

  it('says what the process runs in mec_build_info', async () => {
    const text = await standalone().registry.metrics();
    expect(seriesOf(text, 'mec_build_info')).toEqual([
      `mec_build_info{version="1.2.3",node_version="${process.version}",phase="M6",role="worker"} 1`,
    ]);
  });

  it('counts alerts of unknown alarms, phases or severities as "other": a flood of made-up labels adds no series', async () => {
    const metrics = standalone();
    metrics.alertTaken({ labels: { mec_alarm: 'latency_slo_drop', mec_phase: 'M6' }, status: 'firing' });
    metrics.alertTaken({ labels: { mec_alarm: 'nonsense-0', severity: 'nonsense-0' }, status: 'firing' });
    for (let index = 1; index < 2_000; index++) {
      metrics.alertTaken({
        labels: { mec_alarm: `nonsense-${index}`, mec_phase: 'M6', severity: `nonsense-${index}` },
        status: 'firing',
      });
      // A configured alarm of another phase is not this phase's alarm.
      metrics.alertTaken({
        labels: { mec_alarm: 'feature_drift', mec_phase: `P${index}` },
        status: 'resolved',
      });
    }
    // Every series there can be is there from the start, at 0: the configured alarms and `other`.
    expect(seriesOf(await metrics.registry.metrics(), 'mec_alarms_total')).toEqual([
      'mec_alarms_total{alarm="latency_slo_drop",mec_severity="BLOCKER",status="firing"} 1',
      'mec_alarms_total{alarm="feature_drift",mec_severity="WARNING",status="firing"} 0',
      'mec_alarms_total{alarm="other",mec_severity="other",status="firing"} 2000',
      'mec_alarms_total{alarm="latency_slo_drop",mec_severity="BLOCKER",status="resolved"} 0',
      'mec_alarms_total{alarm="feature_drift",mec_severity="WARNING",status="resolved"} 0',
      'mec_alarms_total{alarm="other",mec_severity="other",status="resolved"} 1999',
    ]);
  });

  it('counts job failures by queue, each known queue from 0, any other queue as "other"', async () => {
    const metrics = standalone();
    metrics.jobFailed('mec-ramp');
    metrics.jobFailed('mec-ramp');
    metrics.jobFailed('made-up');
    metrics.jobFinished('made-up', 0.2);
    const text = await metrics.registry.metrics();
    expect(seriesOf(text, 'mec_jobs_failed_total')).toEqual([
      'mec_jobs_failed_total{queue="mec-ramp"} 2',
      'mec_jobs_failed_total{queue="mec-soak"} 0',
      'mec_jobs_failed_total{queue="other"} 1',
    ]);
    expect(seriesOf(text, 'mec_job_duration_seconds_count')).toEqual([
      'mec_job_duration_seconds_count{queue="mec-ramp"} 0',
      'mec_job_duration_seconds_count{queue="mec-soak"} 0',
      'mec_job_duration_seconds_count{queue="other"} 1',
    ]);
  });
});
