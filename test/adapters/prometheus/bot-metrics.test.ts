import { beforeEach, describe, expect, it } from 'vitest';
import type { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { alertPayload } from '../../support/alertmanager.js';
import { type JobsHarness, toReady, useJobsHarness } from '../../support/jobs-harness.js';
import { useTestRedis } from '../../support/redis.js';
import { PEOPLE } from '../../support/slack-harness.js';

const testRedis = useTestRedis();

const current = useJobsHarness(testRedis);
let harness: JobsHarness;
let standIn: SlackApiStandIn;
beforeEach(() => {
  ({ harness, standIn } = current());
});

async function scrape(): Promise<string> {
  const response = await fetch(harness.metricsUrl);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** The value of one sample line, e.g. `mec_traffic_weight_percent{phase="M6"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('reports traffic, stage, approvals and gates from the stored rollout', async () => {
    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.soak?.status === 'running');
    const text = await scrape();
    expect(sample(text, 'mec_traffic_weight_percent{phase="M6"}')).toBe(5);
    expect(sample(text, 'mec_rollout_stage{phase="M6",stage="ramping"}')).toBe(1);
    expect(sample(text, 'mec_rollout_stage{phase="M6",stage="ready"}')).toBe(0);
    expect(sample(text, 'mec_approvals_valid{phase="M6"}')).toBe(4);
    expect(sample(text, 'mec_gates_open{phase="M6"}')).toBe(0);
    // A job's duration is observed when it completes, just after the state change it made.
    await expect
      .poll(async () => sample(await scrape(), 'mec_job_duration_seconds_count{queue="mec-ramp"}'), {
        timeout: 5_000,
      })
      .toBeGreaterThanOrEqual(1);
  });

  it('counts alarms by severity and rollbacks by reason, and times the way from alarm to shadow', async () => {
    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.soak?.status === 'running');
    await harness.alert(alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }));
    await harness.alert(alertPayload({ alarm: 'feature_drift', severity: 'WARNING' }));
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    await expect
      .poll(async () => sample(await scrape(), 'mec_alarm_to_shadow_seconds_count'), { timeout: 5_000 })
      .toBe(1);
    const text = await scrape();
    expect(sample(text, 'mec_alarms_total{severity="BLOCKER",status="firing"}')).toBe(1);
    expect(sample(text, 'mec_alarms_total{severity="WARNING",status="firing"}')).toBe(1);
    expect(sample(text, 'mec_rollbacks_total{reason="blocker_alarm"}')).toBe(1);
    expect(sample(text, 'mec_traffic_weight_percent{phase="M6"}')).toBe(0);
    expect(sample(text, 'mec_rollout_stage{phase="M6",stage="locked"}')).toBe(1);
    expect(sample(text, 'mec_approvals_valid{phase="M6"}')).toBe(0);
  });
});
