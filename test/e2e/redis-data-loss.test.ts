import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalRedis, startLocalRedis } from '../../src/infra/local-redis-server.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { alertPayload, postAlert } from '../support/alertmanager.js';
import {
  ALERT_TOKEN,
  holdingSoaks,
  type JobsHarness,
  startJobsHarness,
  toReady,
} from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const servedWeight = async (harness: JobsHarness) =>
  JSON.parse(await readFile(join(harness.workspace, 'meta/meta_flags.json'), 'utf8')).meta_prod;

describe('Redis without persistence, killed while traffic is at 5% and restarted empty', () => {
  it('still rolls back on a BLOCKER, by the weight the registry serves, and refuses a new start', async () => {
    // No append-only file and no snapshots: the restart forgets everything the bot wrote.
    let server: LocalRedis = await startLocalRedis({ appendOnly: false });
    const { port } = server;
    cleanups.push(() => server.stop());
    const standIn = new SlackApiStandIn();
    await standIn.start();
    cleanups.push(() => standIn.stop());
    const harness = await startJobsHarness(standIn, testRedis(), {
      redisUrl: server.url,
      configure: holdingSoaks,
    });
    // Stopped as a process dies, not gracefully: under load, a graceful close of workers whose queues
    // Redis forgot could outlast the hook, which is not what this test is about.
    cleanups.push(() => harness.kill());

    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.trafficPct === 5 && state.soak?.status === 'running');
    expect(await servedWeight(harness)).toEqual({ mode: 'ramp', weightPct: 5 });

    await server.stop();
    server = await startLocalRedis({ appendOnly: false, port });
    expect(await harness.state()).toBeNull();

    // The first thing to arrive is the alert: nothing has looked at the registry since the loss.
    const alert = alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' });
    expect((await postAlert(harness.webhookUrl, alert, ALERT_TOKEN)).status).toBe(200);
    const rolledBack = await harness.waitForState(
      (state) => state.lastRollback !== undefined && !state.rollback,
      20_000,
    );
    expect(await servedWeight(harness)).toEqual({ mode: 'shadow', weightPct: 0 });
    expect(rolledBack.gates.state_lost?.summary).toContain('serves 5%');
    expect(rolledBack.checks.preflight.status).toBe('pending');

    // Traffic is safe again, but the record of what happened before is gone: a permitted role decides.
    const start = await harness.command(PEOPLE.releaseManager, 'start');
    expect(String(start.args.text)).toContain('state_lost');
    const reasons = await harness.reasons();
    expect(reasons).toContain('state_lost');
    expect(reasons).not.toContain('rollout_started');
  });
});
