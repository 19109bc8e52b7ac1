import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, REJECT_INPUT, VIEW } from '../../src/adapters/slack/ids.js';
import { verifyLedger } from '../../src/domain/verify-ledger.js';
import { type LocalRedis, startLocalRedis } from '../../src/infra/local-redis-server.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { compressed, type JobsHarness, startJobsHarness, toReady } from '../support/jobs-harness.js';
import { recordingLog } from '../support/recording-log.js';
import { useTestRedis } from '../support/redis.js';
import { button, textOf, where } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';
import { buttonClick, postForm, viewSubmission } from '../support/slack-requests.js';

const testRedis = useTestRedis();
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** 3 s at 100 ms: 30 evaluations planned, 27 needed. */
const SOAK_MS = 3_000;

/**
 * Redis stays down for at least this long, whenever in the soak the test saw it running: 25 of the 45
 * evaluations the soak could make by its end plus half its duration, so with an extension of 0.5 at
 * most 20 are read, and 27 are needed. (A machine under load may show the test the soak late; waiting
 * only until the planned end would then leave the soak enough evaluations to pass.)
 */
const OUTAGE_MS = 2_500;

/**
 * The bot on a redis-server of its own (with an append-only file, so it comes back with its data), at
 * 5% with its 3 s soak running, and Redis then stopped until past the soak's planned end, and for at
 * least OUTAGE_MS: every evaluation in between is missed.
 */
async function soakThroughAnOutage(maxExtension: number) {
  // The test owns the data directory: the server's own temporary one would go when it stops.
  const dir = await mkdtemp(join(tmpdir(), 'mec-aof-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  let server: LocalRedis = await startLocalRedis({ appendOnly: true, dir });
  const { port } = server;
  cleanups.push(() => server.stop());
  const standIn = new SlackApiStandIn();
  await standIn.start();
  cleanups.push(() => standIn.stop());
  const connectionLog = recordingLog();
  const harness: JobsHarness = await startJobsHarness(standIn, testRedis(), {
    redisUrl: server.url,
    connectionLog,
    configure: (config) => {
      const fast = compressed(config);
      const steps = fast.plan.steps.map((step, index) => (index === 1 ? { soak: SOAK_MS } : step));
      return { ...fast, plan: { autoAdvance: false, steps }, metrics: { ...fast.metrics, maxExtension } };
    },
  });
  cleanups.push(() => harness.close());

  await toReady(harness, standIn);
  await harness.command(PEOPLE.releaseManager, 'ramp 5');
  const soaking = await harness.waitForState((state) => state.soak?.status === 'running');
  await server.stop();
  const downUntil = Math.max(Date.parse(soaking.soak?.endsAt ?? '') + 200, Date.now() + OUTAGE_MS);
  const outages = () => connectionLog.at('warn').map((line) => line.fields.redis);
  await expect.poll(() => outages().sort(), { timeout: 10_000 }).toEqual(['commands', 'jobs']);
  await expect.poll(() => Date.now() > downUntil, { timeout: 10_000 }).toBe(true);
  server = await startLocalRedis({ appendOnly: true, dir, port });
  return { harness, standIn, soakId: soaking.soak?.soakId };
}

describe('a soak through a Redis outage', () => {
  it('fails watch_blind, never passes, when the outage took more than its extension can make up; a permitted role decides', async () => {
    // Half its duration more, 1.5 s: with the outage, at most 20 of the 27 needed evaluations are read.
    const { harness, standIn, soakId } = await soakThroughAnOutage(0.5);

    const ended = await harness.waitForState((state) => state.soak?.status !== 'running', 30_000);
    expect(ended.soak).toMatchObject({ soakId, status: 'blind' });
    expect(ended.trafficPct).toBe(5);
    expect(ended.gates.watch_blind).toMatchObject({ source: 'watch', watch: { kind: 'soak', id: soakId } });
    const entries = await harness.adapters.ledger.read();
    const reasons = entries.map((entry) => entry.body.reason);
    expect(reasons).not.toContain('soak_passed');
    expect(reasons.at(-1)).toBe('watch_blind');
    expect(verifyLedger(entries)).toMatchObject({ ok: true });

    // The gate holds the next ramp, and Slack shows it: on the rollout message, with its Override
    // button, and in the thread.
    const refused = await harness.command(PEOPLE.releaseManager, 'ramp 25');
    expect(String(refused.args.text)).toContain('watch_blind');
    const drawn = await standIn.waitFor(
      (call) => call.method === 'chat.update' && textOf(call).includes('Override watch_blind'),
      15_000,
    );
    await standIn.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.thread_ts !== undefined &&
        textOf(call).includes('is blind: read'),
      15_000,
    );

    // A permitted role decides, through the Override button and its modal: the soak is accepted.
    const eventsUrl = harness.webhookUrl.replace('/alerts/alertmanager', '/slack/events');
    const value = button(drawn, ACTION.override, 'watch_blind');
    const since = standIn.calls.length;
    await postForm(
      eventsUrl,
      buttonClick(PEOPLE.governance, ACTION.override, value, where(drawn), standIn.responseUrl('o')),
    );
    const modal = await standIn.waitFor((call) => call.method === 'views.open', 10_000, since);
    const { private_metadata } = modal.args.view as { private_metadata: string };
    await postForm(
      eventsUrl,
      viewSubmission(PEOPLE.governance, VIEW.overrideReason, private_metadata, {
        [REJECT_INPUT.block]: {
          [REJECT_INPUT.action]: { value: 'Redis outage INC-7; dashboards watched by hand' },
        },
      }),
    );
    const accepted = await harness.waitForState((state) => state.soak?.status === 'passed');
    expect(accepted.gates).toEqual({});
    expect(accepted.overrides).toEqual({});
    const overridden = (await harness.adapters.ledger.read()).at(-1);
    expect(overridden?.body).toMatchObject({
      actor: PEOPLE.governance,
      reason: 'gate_overridden',
      detail: { facts: { gateId: 'watch_blind', reason: 'Redis outage INC-7; dashboards watched by hand' } },
    });
    const ramped = await harness.command(PEOPLE.releaseManager, 'ramp 25');
    expect(String(ramped.args.text)).toContain('Ramp to 25% accepted');
  }, 90_000);

  it('extends by what it missed, and passes only once it has read enough', async () => {
    const { harness, soakId } = await soakThroughAnOutage(10);

    const ended = await harness.waitForState((state) => state.soak?.status !== 'running', 60_000);
    expect(ended.soak).toMatchObject({ soakId, status: 'passed' });
    const entries = await harness.adapters.ledger.read();
    const extended = entries.filter((entry) => entry.body.reason === 'watch_extended');
    const passed = entries.find((entry) => entry.body.reason === 'soak_passed');
    expect(extended.length).toBeGreaterThanOrEqual(1);
    expect(Number(extended[0]?.seq)).toBeLessThan(Number(passed?.seq));
    // "28 of 30 evaluations read, no breach": at least the 27 needed, whatever the outage missed.
    const summary = String((passed?.body.detail as { message?: string } | null)?.message);
    const read = Number(/(\d+) of 30 evaluations read/.exec(summary)?.[1]);
    expect(read, summary).toBeGreaterThanOrEqual(27);
  }, 90_000);
});
