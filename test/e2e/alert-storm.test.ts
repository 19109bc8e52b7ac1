import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/domain/ledger-entry.js';
import type { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { actedOn, alertPayload, postAlertsOver } from '../support/alertmanager.js';
import { ALERT_TOKEN, type JobsHarness, toReady, useJobsHarness } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();

const current = useJobsHarness(testRedis);
let harness: JobsHarness;
let standIn: SlackApiStandIn;
beforeEach(() => {
  ({ harness, standIn } = current());
});

const ALARMS = [
  { alarm: 'latency_slo_drop', severity: 'BLOCKER' },
  { alarm: 'determinism_variance', severity: 'CRITICAL' },
  { alarm: 'feature_drift', severity: 'WARNING' },
] as const;

/** Distinct alert n: its own instance, fingerprint and summary, of one of the three alarms in turn. */
function distinct(n: number) {
  const { alarm, severity } = ALARMS[n % ALARMS.length] as (typeof ALARMS)[number];
  const one = alertPayload({ alarm, severity, summary: `storm alert ${n}` });
  const [alert] = one.alerts;
  if (!alert) throw new Error('alertPayload gave no alert');
  return {
    ...one,
    alerts: [{ ...alert, labels: { ...alert.labels, instance: `web-${n}` }, fingerprint: `fp-${n}` }],
  };
}

/**
 * How many ledger entries record each alert, by its instance: a BLOCKER's or CRITICAL's in the incident
 * entry that opened its incident or folded it in, a WARNING's (which has no incident) in its alarm entry.
 */
function recordsPerAlert(entries: readonly LedgerEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (instance: string) => counts.set(instance, (counts.get(instance) ?? 0) + 1);
  for (const { body } of entries) {
    const detail = (body.detail ?? {}) as { instances?: string[]; request?: { summary?: string } };
    if (body.action === 'open_incident' || body.action === 'alert_folded')
      for (const instance of detail.instances ?? []) add(instance);
    const warning = /^storm alert (\d+) \(Alertmanager\)$/.exec(detail.request?.summary ?? '');
    if (body.action === 'alarm' && warning && Number(warning[1]) % ALARMS.length === 2)
      add(`web-${warning[1]}`);
  }
  return counts;
}

describe('an alert storm during a ramp', () => {
  it('ledgers each of 120 distinct alerts once though each is re-sent 10 times at once, with no 5xx', async () => {
    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.soak?.status === 'running');
    const count = 120;
    const copies = 10;
    // All queued at once over 64 connections, each alert's copies side by side: its re-sends race its
    // first delivery.
    const bodies = Array.from({ length: count * copies }, (_, i) => distinct(Math.floor(i / copies)));
    const replies = await postAlertsOver(64, harness.webhookUrl, bodies, ALERT_TOKEN);
    expect(replies.map((reply) => reply.status).filter((status) => status >= 500)).toEqual([]);
    // Answered once queued: each distinct alert is one batch, acted on by the alert worker.
    const batches = new Set(replies.map((reply) => reply.body.batch));
    expect(batches.size).toBe(count);
    for (const batch of batches) await actedOn(harness.queues.alerts, batch);
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    const entries = await harness.adapters.ledger.read();
    expect(recordsPerAlert(entries)).toEqual(
      new Map(Array.from({ length: count }, (_, n) => [`web-${n}`, 1])),
    );
    expect(entries.filter((entry) => entry.body.reason === 'rollback_accepted')).toHaveLength(1);
  });
});
