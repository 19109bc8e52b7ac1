import { beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/adapters/slack/ids.js';
import type { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { alertPayload, postAlert } from '../../support/alertmanager.js';
import { ALERT_TOKEN, type JobsHarness, toReady, useJobsHarness } from '../../support/jobs-harness.js';
import { useTestRedis } from '../../support/redis.js';
import { latestDrawing, textOf } from '../../support/slack-find.js';
import { PEOPLE } from '../../support/slack-harness.js';

const testRedis = useTestRedis();

const current = useJobsHarness(testRedis);
let harness: JobsHarness;
let standIn: SlackApiStandIn;
beforeEach(() => {
  ({ harness, standIn } = current());
});

const incidentPosts = () =>
  standIn
    .callsOf('chat.postMessage')
    .filter((call) => call.args.channel === 'C0INCIDENT1' && call.args.thread_ts === undefined);

async function soakingAt5() {
  await toReady(harness, standIn);
  await harness.command(PEOPLE.releaseManager, 'ramp 5');
  return harness.waitForState((state) => state.soak?.status === 'running');
}

describe('POST /alerts/alertmanager', () => {
  it.each([
    ['no token', undefined, 401],
    ['a wrong token', 'not-the-token-0123456789', 401],
  ])('answers 401 to %s', async (_what, token, status) => {
    expect(
      (
        await postAlert(
          harness.webhookUrl,
          alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }),
          token,
        )
      ).status,
    ).toBe(status);
    expect(await harness.reasons()).toEqual([]);
  });

  it('answers 400 with the JSON error for a malformed body', async () => {
    const reply = await postAlert(harness.webhookUrl, '{"version": "4", ', ALERT_TOKEN);
    expect(reply.status).toBe(400);
    expect(String(reply.body.error)).toContain('malformed JSON');
  });

  it('answers 400 naming each field that is wrong for a body of the wrong shape', async () => {
    const payload = alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }) as Record<
      string,
      unknown
    >;
    const alerts = payload.alerts as Array<Record<string, unknown>>;
    delete alerts[0]?.fingerprint;
    const reply = await postAlert(harness.webhookUrl, { ...payload, version: '3' }, ALERT_TOKEN);
    expect(reply.status).toBe(400);
    expect(reply.body.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('version'),
        expect.stringContaining('alerts.0.fingerprint'),
      ]),
    );
  });

  it('answers 413 to a payload that is too large', async () => {
    const payload = alertPayload({
      alarm: 'latency_slo_drop',
      severity: 'BLOCKER',
      summary: 'x'.repeat(400_000),
    });
    expect((await postAlert(harness.webhookUrl, payload, ALERT_TOKEN)).status).toBe(413);
  });

  it('records an alert that maps to no alarm instead of dropping it', async () => {
    const reply = await postAlert(
      harness.webhookUrl,
      alertPayload({ alarm: 'disk_full', severity: 'CRITICAL' }),
      ALERT_TOKEN,
    );
    expect(reply.body).toMatchObject({ unknown: 1 });
    const last = (await harness.adapters.ledger.read()).at(-1);
    expect(last?.body).toMatchObject({
      reason: 'alarm_unknown',
      detail: { labels: { mec_alarm: 'disk_full' } },
    });
  });

  it('records a WARNING for the weekly review, without paging', async () => {
    await postAlert(
      harness.webhookUrl,
      alertPayload({ alarm: 'feature_drift', severity: 'WARNING' }),
      ALERT_TOKEN,
    );
    expect((await harness.adapters.ledger.read()).at(-1)?.body).toMatchObject({
      reason: 'alarm_recorded',
      detail: { facts: { severity: 'WARNING' } },
    });
    expect(incidentPosts()).toEqual([]);
  });
});

describe('a BLOCKER from Alertmanager', () => {
  it('rolls back without waiting on Slack, then pages on-call with the alarm, value, threshold, window, traffic and timing', async () => {
    await soakingAt5();
    await harness.samples.inject('latency_slo_drop', 0.042);
    const release = standIn.hold('chat.postMessage');
    const reply = await postAlert(
      harness.webhookUrl,
      alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }),
      ALERT_TOKEN,
    );
    expect(reply).toMatchObject({ status: 200, body: { received: 1, duplicates: 0 } });
    // With every Slack post held, traffic still reaches shadow: the rollback never waits on Slack.
    const rolledBack = await harness.waitForState(
      (state) => state.lock !== undefined && state.rollback === undefined,
    );
    expect(rolledBack.trafficPct).toBe(0);
    release();
    const notice = await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === 'C0INCIDENT1',
      10_000,
    );
    const text = textOf(notice);
    for (const part of [
      'BLOCKER',
      'latency_slo_drop',
      '0.042',
      '> 0.03',
      'over 5m',
      'M6',
      '<!subteam^S0SREONCALL>',
      ACTION.acknowledge,
    ])
      expect(text).toContain(part);
    await expect
      .poll(() => textOf(latestDrawing(standIn, notice)), { timeout: 10_000 })
      .toMatch(/traffic 5% → 0% \(shadow\), \d+\.\d s after the alert arrived/);
  });

  it('treats a re-sent alert as the same one: one rollback, one page', async () => {
    await soakingAt5();
    const payload = alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' });
    // At once or one after another, a delivery is claimed once: every other copy is a duplicate.
    const atOnce = await Promise.all(
      [1, 2, 3].map(() => postAlert(harness.webhookUrl, payload, ALERT_TOKEN)),
    );
    expect(atOnce.map((reply) => reply.body.duplicates).sort()).toEqual([0, 1, 1]);
    expect((await postAlert(harness.webhookUrl, payload, ALERT_TOKEN)).body).toMatchObject({ duplicates: 1 });
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    await expect.poll(() => incidentPosts().length, { timeout: 10_000 }).toBe(1);
    const reasons = await harness.reasons();
    expect(reasons.filter((reason) => reason === 'rollback_accepted')).toHaveLength(1);
  });

  it('follows up in the notice thread when the alert resolves', async () => {
    await soakingAt5();
    await postAlert(
      harness.webhookUrl,
      alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }),
      ALERT_TOKEN,
    );
    const notice = await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === 'C0INCIDENT1',
      10_000,
    );
    await postAlert(
      harness.webhookUrl,
      alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER', status: 'resolved' }),
      ALERT_TOKEN,
    );
    const followUp = await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.thread_ts === notice.reply.ts,
      10_000,
    );
    expect(textOf(followUp)).toContain('latency_slo_drop resolved');
  });
});

describe('a CRITICAL from Alertmanager', () => {
  it('holds the deployment gate until the alert resolves', async () => {
    await toReady(harness, standIn);
    await postAlert(
      harness.webhookUrl,
      alertPayload({ alarm: 'determinism_variance', severity: 'CRITICAL' }),
      ALERT_TOKEN,
    );
    const held = await harness.command(PEOPLE.releaseManager, 'ramp 5');
    expect(textOf(held)).toContain('critical_gate_open');
    await postAlert(
      harness.webhookUrl,
      alertPayload({ alarm: 'determinism_variance', severity: 'CRITICAL', status: 'resolved' }),
      ALERT_TOKEN,
    );
    expect(textOf(await harness.command(PEOPLE.releaseManager, 'ramp 5'))).toContain('Ramp to 5% accepted');
    const reasons = await harness.reasons();
    expect(reasons).toEqual(expect.arrayContaining(['gate_opened', 'gate_closed']));
  });
});
