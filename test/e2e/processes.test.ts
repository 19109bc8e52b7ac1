import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { redisAdapters } from '../../src/adapters/redis/redis-adapters.js';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { RedisSampleMetrics } from '../../src/adapters/redis/redis-sample-metrics.js';
import type { LedgerEntry } from '../../src/domain/ledger-entry.js';
import { soakWeightPct } from '../../src/domain/rollout-state.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { alertPayload, postAlert } from '../support/alertmanager.js';
import { type Driver, processDriver, toReady } from '../support/jobs-harness.js';
import { type BotProcess, compressedConfigFile, startBotProcess } from '../support/processes.js';
import { type TestRedis, useTestRedis } from '../support/redis.js';
import { PEOPLE } from '../support/slack-harness.js';
import { SIGNING_SECRET } from '../support/slack-requests.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
let redis: TestRedis;
let processes: BotProcess[];

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  redis = testRedis();
  processes = [];
});

afterEach(async () => {
  await Promise.all(processes.map((process) => process.kill('SIGKILL')));
  await standIn.stop();
});

const ALERT_TOKEN = 'test-alert-token-0123456789';

/** A "job done" line of `queue`, as a process logs it at debug. */
const jobDone = (queue: string) => new RegExp(`"queue":"${queue}"[^\\n]*"msg":"job done"`);

async function setup(
  options: { crashpoint?: string; configEdit?: Parameters<typeof compressedConfigFile>[0] } = {},
) {
  const config = await compressedConfigFile(options.configEdit);
  const workspace = await copyExampleWorkspace();
  const env = {
    MEC_CONFIG: config,
    MEC_WORKSPACE: workspace,
    REDIS_URL: inject('redisUrl'),
    MEC_REDIS_PREFIX: redis.prefix,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: standIn.apiUrl,
    MEC_ALERT_TOKEN: ALERT_TOKEN,
    // At debug each process logs the jobs it finished, which says which process ran what.
    LOG_LEVEL: 'debug',
  };
  const start = async (role: 'web' | 'worker', extra: Record<string, string> = {}) => {
    const started = await startBotProcess({ ...env, MEC_ROLE: role, ...extra });
    processes.push(started);
    return started;
  };
  // Started side by side: each start is mostly CPU, and the machine has two cores.
  const [web, firstWorker] = await Promise.all([
    start('web'),
    start('worker', options.crashpoint ? { MEC_CRASHPOINT: options.crashpoint } : {}),
  ]);
  const adapters = redisAdapters(redis.connect(), redis.prefix);
  const driver: Driver = processDriver(`${web.url}/slack/events`, standIn, adapters);
  return { web, firstWorker, start, adapters, driver, workspace };
}

const weightOf = (after: unknown) => (after as { meta_prod?: { weightPct: number } }).meta_prod?.weightPct;

// Each test gets 120 s: it starts two or three bot processes, up to 20 s each on a loaded machine.
describe('worker processes that die mid-job', () => {
  it('recover a ramp whose worker was SIGKILLed after writing the registry: traffic moves once', async () => {
    const { firstWorker, start, adapters, driver, workspace } = await setup({
      crashpoint: 'ramp:after_write',
    });
    await toReady(driver, standIn);
    await driver.command(PEOPLE.releaseManager, 'ramp 5');
    await expect.poll(() => firstWorker.output(), { timeout: 15_000 }).toContain('crashpoint reached');
    const written = await adapters.ledger.read();
    expect(
      written
        .filter((entry) => entry.body.reason === 'registry_write')
        .map((entry) => weightOf(entry.body.after)),
    ).toEqual([5]);
    expect((await adapters.store.load('M6')).state?.trafficPct).toBe(0);

    await firstWorker.kill('SIGKILL');
    const rescuer = await start('worker');
    const state = await driver.waitForState((candidate) => candidate.trafficPct === 5, 20_000);
    expect(state.soak && soakWeightPct(state.policy, state.soak)).toBe(5);
    const entries = await adapters.ledger.read();
    expect(entries.filter((entry) => entry.body.reason === 'registry_write')).toHaveLength(1);
    expect(entries.filter((entry) => entry.body.reason === 'traffic_applied')).toHaveLength(1);
    await expect.poll(() => rescuer.output(), { timeout: 15_000 }).toMatch(jobDone('mec-ramp'));
    const flags = JSON.parse(await readFile(join(workspace, 'meta/meta_flags.json'), 'utf8'));
    expect(flags.meta_prod).toEqual({ mode: 'ramp', weightPct: 5 });
  }, 120_000);

  it('recover a rollback whose worker was SIGKILLed after restoring: the rollback finishes once', async () => {
    const { firstWorker, start, adapters, driver, workspace } = await setup({
      crashpoint: 'rollback:after_restore',
      configEdit: (doc) => doc.setIn(['plan', 'steps', 1, 'soak'], '60s'),
    });
    await toReady(driver, standIn);
    await driver.command(PEOPLE.releaseManager, 'ramp 5');
    await driver.waitForState((state) => state.soak?.status === 'running');
    await driver.command(PEOPLE.sre, 'rollback error budget');
    await expect.poll(() => firstWorker.output(), { timeout: 15_000 }).toContain('crashpoint reached');
    await firstWorker.kill('SIGKILL');
    await start('worker');
    const state = await driver.waitForState(
      (candidate) => candidate.lock !== undefined && candidate.rollback === undefined,
      20_000,
    );
    expect(state.trafficPct).toBe(0);
    const entries = await adapters.ledger.read();
    expect(entries.filter((entry) => entry.body.reason === 'rollback_accepted')).toHaveLength(1);
    expect(entries.filter((entry) => entry.body.reason === 'rollback_finished')).toHaveLength(1);
    const restores = entries.filter(
      (entry) =>
        entry.body.reason === 'registry_write' && JSON.stringify(entry.body.after).includes('restoredFrom'),
    );
    expect(restores).toHaveLength(1);
    const flags = JSON.parse(await readFile(join(workspace, 'meta/meta_flags.json'), 'utf8'));
    expect(flags.meta_prod).toEqual({ mode: 'shadow', weightPct: 0 });
  }, 120_000);
});

describe('a worker process killed while it rolls a BLOCKER alert back itself', () => {
  it("leaves the alert to its job's retry and the rollback to its job, which another worker finishes once", async () => {
    const { web, firstWorker, start, adapters, driver, workspace } = await setup({
      crashpoint: 'rollback:before_restore',
      configEdit: (doc) => doc.setIn(['plan', 'steps', 1, 'soak'], '60s'),
    });
    await toReady(driver, standIn);
    await driver.command(PEOPLE.releaseManager, 'ramp 5');
    const soaking = await driver.waitForState((state) => state.soak?.status === 'running');
    // The ramp job lets go of the traffic lock just after the soak starts; the alert's worker tries the
    // lock once, and finding it held would leave the rollback to its job before the crash point.
    const lock = redisKeys(redis.prefix).lock(`traffic-${soaking.rolloutId}`);
    const probe = redis.connect();
    await expect.poll(() => probe.exists(lock), { timeout: 15_000 }).toBe(0);
    const alert = alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' });
    // Answered once queued: the web process does not wait for the worker that acts on it.
    const posted = await postAlert(`${web.url}/alerts/alertmanager`, alert, ALERT_TOKEN);
    expect(posted.status).toBe(200);
    await expect.poll(() => firstWorker.output(), { timeout: 15_000 }).toContain('crashpoint reached');
    const restoresOf = (entries: LedgerEntry[]) =>
      entries.filter(
        (entry) =>
          entry.body.reason === 'registry_write' && JSON.stringify(entry.body.after).includes('restoredFrom'),
      );
    expect(restoresOf(await adapters.ledger.read())).toEqual([]);
    await firstWorker.kill('SIGKILL');
    const secondWorker = await start('worker');

    const state = await driver.waitForState(
      (candidate) => candidate.lock !== undefined && candidate.rollback === undefined,
      30_000,
    );
    expect(state.trafficPct).toBe(0);
    // The alert's job, taken up again, acts on the claims its dead run left: the incident opens.
    await expect.poll(() => secondWorker.output(), { timeout: 15_000 }).toMatch(jobDone('mec-alerts'));
    const entries = await adapters.ledger.read();
    expect(entries.filter((entry) => entry.body.reason === 'rollback_accepted')).toHaveLength(1);
    expect(entries.filter((entry) => entry.body.reason === 'rollback_finished')).toHaveLength(1);
    expect(entries.filter((entry) => entry.body.reason === 'incident_opened')).toHaveLength(1);
    expect(restoresOf(entries)).toHaveLength(1);
    const flags = JSON.parse(await readFile(join(workspace, 'meta/meta_flags.json'), 'utf8'));
    expect(flags.meta_prod).toEqual({ mode: 'shadow', weightPct: 0 });
  }, 120_000);
});

describe('a web process killed as soon as it answered the webhook', () => {
  it('loses nothing: the worker process acts on the alert it queued', async () => {
    const { web, firstWorker, adapters } = await setup();
    const alert = alertPayload({ alarm: 'feature_drift', severity: 'WARNING' });
    expect((await postAlert(`${web.url}/alerts/alertmanager`, alert, ALERT_TOKEN)).status).toBe(200);
    await web.kill('SIGKILL');
    await expect
      .poll(async () => (await adapters.ledger.read()).map((entry) => entry.body.reason), { timeout: 15_000 })
      .toContain('alarm_recorded');
    await expect.poll(() => firstWorker.output(), { timeout: 10_000 }).toMatch(jobDone('mec-alerts'));
  }, 120_000);
});

describe('a worker process killed mid-soak while the BLOCKER breaches', () => {
  it('catches the breach once a worker is back, and never passes the soak on the time gone by', async () => {
    const { firstWorker, start, adapters, driver } = await setup({
      configEdit: (doc) => {
        doc.setIn(['plan', 'steps', 1, 'soak'], '5s');
        // Up to 50 s more: time for a new worker process to start on a loaded machine.
        doc.setIn(['metrics', 'maxExtension'], 10);
      },
    });
    await toReady(driver, standIn);
    await driver.command(PEOPLE.releaseManager, 'ramp 5');
    const soaking = await driver.waitForState((state) => state.soak?.status === 'running');
    await firstWorker.kill('SIGKILL');
    await new RedisSampleMetrics(redis.connect(), redis.prefix).inject('latency_slo_drop', 0.05);
    // No worker for longer than the soak: it misses every evaluation after the first few.
    const plannedEnd = Date.parse(soaking.soak?.endsAt ?? '');
    await expect.poll(() => Date.now() > plannedEnd + 1_000, { timeout: 20_000 }).toBe(true);
    await start('worker');

    const ended = await driver.waitForState((state) => state.soak?.status !== 'running', 60_000);
    expect(ended.soak?.status).not.toBe('passed');
    const state = await driver.waitForState(
      (candidate) => candidate.lock !== undefined && candidate.rollback === undefined,
      30_000,
    );
    expect(state.trafficPct).toBe(0);
    expect(state.lock?.reason).toContain('BLOCKER latency_slo_drop');
    const reasons = (await adapters.ledger.read()).map((entry) => entry.body.reason);
    expect(reasons).not.toContain('soak_passed');
    // A loaded machine can extend the shadow smoke too: look for the soak's extension, after the ramp.
    const applied = reasons.indexOf('traffic_applied');
    const extended = reasons.indexOf('watch_extended', applied);
    expect(applied).toBeGreaterThan(-1);
    expect(extended).toBeGreaterThan(applied);
    expect(reasons.indexOf('rollback_accepted', extended)).toBeGreaterThan(extended);
  }, 180_000);
});

describe('web and worker processes side by side', () => {
  it('runs in the worker process what the web process accepted', async () => {
    const { web, firstWorker, driver } = await setup();
    expect(web.output()).toContain('"workers":"off"');
    await driver.command(PEOPLE.releaseManager, 'start');
    await driver.waitForState((state) => state.checks.preflight.status === 'passed');
    await expect.poll(() => firstWorker.output(), { timeout: 10_000 }).toMatch(jobDone('mec-preflight'));
    expect(web.output()).not.toMatch(jobDone('mec-preflight'));
  }, 120_000);
});
