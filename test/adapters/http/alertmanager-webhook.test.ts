import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { ALERTMANAGER_PATH, alertmanagerWebhook } from '../../../src/adapters/http/alertmanager-webhook.js';
import { startHttpServer, stopHttpServer } from '../../../src/adapters/http/http-server.js';
import { ACTION } from '../../../src/adapters/slack/ids.js';
import { MecError } from '../../../src/domain/errors.js';
import type { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { actedOn, alertPayload, postAlert } from '../../support/alertmanager.js';
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
    await harness.alert(alertPayload({ alarm: 'disk_full', severity: 'CRITICAL' }));
    const last = (await harness.adapters.ledger.read()).at(-1);
    expect(last?.body).toMatchObject({
      reason: 'alarm_unknown',
      detail: { labels: { mec_alarm: 'disk_full' } },
    });
  });

  it('records a WARNING for the weekly review, without paging', async () => {
    await harness.alert(alertPayload({ alarm: 'feature_drift', severity: 'WARNING' }));
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
    expect(reply).toMatchObject({ status: 200, body: { received: 1, batch: expect.any(String) } });
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
    // At once or one after another, a re-send is the batch already queued.
    const atOnce = await Promise.all(
      [1, 2, 3].map(() => postAlert(harness.webhookUrl, payload, ALERT_TOKEN)),
    );
    expect(new Set(atOnce.map((reply) => `${reply.status} ${reply.body.batch}`)).size).toBe(1);
    await actedOn(harness.queues.alerts, atOnce[0]?.body.batch);
    // The same alert in a batch of another make-up (a second alert joined its group) is a job of its
    // own, and its claim makes the alert a duplicate there.
    const [first] = payload.alerts;
    if (!first) throw new Error('expected an alert');
    const joined = { ...payload, alerts: [first, { ...first, fingerprint: 'fp-latency-web-1' }] };
    expect((await harness.alert(joined)).batch).not.toBe(atOnce[0]?.body.batch);
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    await expect.poll(() => incidentPosts().length, { timeout: 10_000 }).toBe(1);
    const entries = await harness.adapters.ledger.read();
    expect(entries.filter((entry) => entry.body.reason === 'rollback_accepted')).toHaveLength(1);
    // The second alert folded into the open incident; the first was not recorded twice.
    const folded = entries.filter((entry) => entry.body.reason === 'alert_folded');
    expect(folded.map((entry) => entry.body.detail)).toEqual([
      expect.objectContaining({
        instances: ['fp-latency-web-1'],
        message: expect.stringContaining('2 in all'),
      }),
    ]);
  });

  it('follows up in the notice thread when the alert resolves', async () => {
    await soakingAt5();
    await harness.alert(alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }));
    const notice = await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === 'C0INCIDENT1',
      10_000,
    );
    await harness.alert(alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER', status: 'resolved' }));
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
    await harness.alert(alertPayload({ alarm: 'determinism_variance', severity: 'CRITICAL' }));
    const held = await harness.command(PEOPLE.releaseManager, 'ramp 5');
    expect(textOf(held)).toContain('critical_gate_open');
    await harness.alert(
      alertPayload({ alarm: 'determinism_variance', severity: 'CRITICAL', status: 'resolved' }),
    );
    expect(textOf(await harness.command(PEOPLE.releaseManager, 'ramp 5'))).toContain('Ramp to 5% accepted');
    const reasons = await harness.reasons();
    expect(reasons).toEqual(expect.arrayContaining(['gate_opened', 'gate_closed']));
  });
});

describe('a batch the webhook could not queue', () => {
  it('is answered 503 with retry-after, without the error text, so Alertmanager sends it again', async () => {
    const server = await startHttpServer(
      0,
      {
        [`POST ${ALERTMANAGER_PATH}`]: alertmanagerWebhook(ALERT_TOKEN, async () => {
          throw new MecError('redis_unreachable', 'connect ECONNREFUSED 10.0.0.7:6379');
        }),
      },
      '127.0.0.1',
    );
    try {
      const { port } = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}${ALERTMANAGER_PATH}`;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERT_TOKEN}` },
        body: JSON.stringify(alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' })),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        error: 'the alerts could not be queued; send them again',
        code: 'redis_unreachable',
      });
      expect(text).not.toContain('10.0.0.7');
    } finally {
      await stopHttpServer(server, 1_000);
    }
  });
});

describe('a byte-for-byte re-send', () => {
  it('gets the answer its first copy got without being taken in again; other bytes are taken in', async () => {
    const taken: unknown[] = [];
    const server = await startHttpServer(
      0,
      {
        [`POST ${ALERTMANAGER_PATH}`]: alertmanagerWebhook(ALERT_TOKEN, async (batch) => {
          taken.push(batch);
          return { received: batch.alerts.length, batch: `b${taken.length}` };
        }),
      },
      '127.0.0.1',
    );
    try {
      const { port } = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}${ALERTMANAGER_PATH}`;
      const body = JSON.stringify(alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }));
      const first = await postAlert(url, body, ALERT_TOKEN);
      expect(await postAlert(url, body, ALERT_TOKEN)).toEqual(first);
      expect(first).toEqual({ status: 200, body: { received: 1, batch: 'b1' } });
      expect(taken).toHaveLength(1);
      // Not authenticated, it is refused though its body is known.
      expect((await postAlert(url, body, 'wrong-token-0123456789')).status).toBe(401);
      // The same payload in other bytes is parsed and taken in (where its batch's name dedupes it).
      expect((await postAlert(url, ` ${body}`, ALERT_TOKEN)).body).toEqual({ received: 1, batch: 'b2' });
      expect(taken).toHaveLength(2);
    } finally {
      await stopHttpServer(server, 1_000);
    }
  });

  it('is taken in again when its first copy could not be queued', async () => {
    let calls = 0;
    const server = await startHttpServer(
      0,
      {
        [`POST ${ALERTMANAGER_PATH}`]: alertmanagerWebhook(ALERT_TOKEN, async () => {
          calls += 1;
          if (calls === 1) throw new MecError('redis_unreachable', 'Redis down');
          return { received: 1, batch: 'b1' };
        }),
      },
      '127.0.0.1',
    );
    try {
      const { port } = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}${ALERTMANAGER_PATH}`;
      const body = JSON.stringify(alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }));
      expect((await postAlert(url, body, ALERT_TOKEN)).status).toBe(503);
      expect(await postAlert(url, body, ALERT_TOKEN)).toEqual({
        status: 200,
        body: { received: 1, batch: 'b1' },
      });
      expect(calls).toBe(2);
    } finally {
      await stopHttpServer(server, 1_000);
    }
  });
});
