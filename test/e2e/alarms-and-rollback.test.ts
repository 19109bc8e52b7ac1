import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { apply } from '../../src/app/rollout-context.js';
import type { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { type JobsHarness, toReady, useJobsHarness } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();

const current = useJobsHarness(testRedis);
let harness: JobsHarness;
let standIn: SlackApiStandIn;
beforeEach(() => {
  ({ harness, standIn } = current());
});

async function soakingAt5() {
  await toReady(harness, standIn);
  await harness.command(PEOPLE.releaseManager, 'ramp 5');
  return harness.waitForState((state) => state.soak?.status === 'running');
}

describe('alarms during a soak', () => {
  it('rolls back when a BLOCKER breaches on breachesToTrip evaluations in a row, restoring the registry from the backup', async () => {
    await soakingAt5();
    await harness.samples.inject('latency_slo_drop', 0.042);
    const locked = await harness.waitForState((state) => state.lock !== undefined);
    expect(locked).toMatchObject({ trafficPct: 0, cursor: 0, approvals: {} });
    expect(locked.lock?.reason).toContain('BLOCKER latency_slo_drop');
    const flags = JSON.parse(await readFile(join(harness.workspace, 'meta/meta_flags.json'), 'utf8'));
    expect(flags.meta_prod).toEqual({ mode: 'shadow', weightPct: 0 });
    const reasons = await harness.reasons();
    expect(reasons.filter((reason) => reason === 'rollback_accepted')).toHaveLength(1);
    expect(reasons.filter((reason) => reason === 'rollback_finished')).toHaveLength(1);
    const restore = (await harness.adapters.ledger.read()).findLast(
      (entry) => entry.body.reason === 'registry_write',
    );
    expect(JSON.stringify(restore?.body.after)).toContain('restoredFrom');
  });

  it('opens the metrics_source CRITICAL gate when the source fails errorsToGate times, and never reads it as healthy', async () => {
    await soakingAt5();
    await harness.samples.inject('latency_slo_drop', { error: 'connection refused' });
    const gated = await harness.waitForState((state) => Object.hasOwn(state.gates, 'metrics_source'));
    expect(gated.gates.metrics_source?.summary).toContain('never read as healthy');
    expect(gated.trafficPct).toBe(5);
  });

  it('opens a CRITICAL gate when a CRITICAL alarm trips, and keeps the soak going', async () => {
    await soakingAt5();
    await harness.samples.inject('determinism_variance', 0.11);
    const gated = await harness.waitForState((state) => Object.hasOwn(state.gates, 'determinism_variance'));
    expect(gated.soak?.status).toBe('running');
    const reply = await harness.command(PEOPLE.releaseManager, 'ramp 25 --dry-run');
    expect(textOf(reply)).toContain('CRITICAL gate open: determinism_variance');
  });
});

describe('the shadow smoke', () => {
  it('fails against the alarm thresholds, keeping its samples in reports/run_M6_smoke.json', async () => {
    await harness.samples.inject('latency_slo_drop', 0.05);
    await harness.command(PEOPLE.releaseManager, 'start');
    const failed = await harness.waitForState((state) => state.checks.smoke.status === 'failed');
    expect(failed.checks.smoke.summary).toContain('BLOCKER latency_slo_drop at 0.05');
    const report = JSON.parse(await readFile(join(harness.workspace, 'reports/run_M6_smoke.json'), 'utf8'));
    expect(report).toMatchObject({ passed: false });
    expect(report.samples.at(-1).values.latency_slo_drop).toBe(0.05);
    expect(failed.trafficPct).toBe(0);
  });
});

describe('rollback', () => {
  it('happens exactly once when alarms, a person and a retry all ask at the same moment', async () => {
    const soaking = await soakingAt5();
    const blocker = {
      type: 'alarm' as const,
      alarm: 'latency_slo_drop',
      severity: 'BLOCKER' as const,
      firing: true,
      summary: 'injected',
    };
    await Promise.all([
      apply(harness.bot.ctx, blocker),
      apply(harness.bot.ctx, { ...blocker, alarm: 'error_budget' }),
      apply(harness.bot.ctx, { type: 'rollback', actor: PEOPLE.sre, reason: 'paged' }),
      harness.command(PEOPLE.releaseManager, 'rollback paged too'),
      apply(harness.bot.ctx, blocker),
    ]);
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    const entries = await harness.adapters.ledger.read();
    expect(entries.filter((entry) => entry.body.reason === 'rollback_accepted')).toHaveLength(1);
    expect(entries.filter((entry) => entry.body.reason === 'rollback_finished')).toHaveLength(1);
    const jobs = await harness.queues.rollback.getJobs([
      'completed',
      'active',
      'waiting',
      'delayed',
      'failed',
    ]);
    expect(jobs).toHaveLength(1);
    expect(soaking.trafficPct).toBe(5);
  });

  it('goes before a ramp that is waiting, and the ramp then writes nothing', async () => {
    await toReady(harness, standIn);
    await harness.queues.ramp.pause();
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.pendingRamp !== undefined);
    await apply(harness.bot.ctx, { type: 'rollback', actor: PEOPLE.sre, reason: 'abort the ramp' });
    await harness.waitForState((state) => state.lock !== undefined);
    await harness.queues.ramp.resume();
    await expect
      .poll(async () => (await harness.queues.ramp.getJobCounts('completed')).completed, { timeout: 5_000 })
      .toBe(1);
    const flags = JSON.parse(await readFile(join(harness.workspace, 'meta/meta_flags.json'), 'utf8'));
    expect(flags.meta_prod).toEqual({ mode: 'shadow', weightPct: 0 });
    const writes = (await harness.adapters.ledger.read()).filter(
      (entry) => entry.body.reason === 'registry_write',
    );
    expect(writes).toEqual([]);
  });
});
