import { describe, expect, it } from 'vitest';
import type { AlertBatch, ReceivedAlert } from '../../src/app/ports/alert-batch.js';
import type { AlertQueue } from '../../src/app/ports/alert-queue.js';
import { takeAlerts } from '../../src/app/take-alerts.js';

const ALARMS = [
  { name: 'latency_slo_drop', severity: 'BLOCKER' as const },
  { name: 'determinism_variance', severity: 'CRITICAL' as const },
];

function alert(overrides: Partial<ReceivedAlert> & { alarm?: string; phase?: string } = {}): ReceivedAlert {
  const { alarm = 'latency_slo_drop', phase = 'M6', ...rest } = overrides;
  return {
    status: 'firing',
    labels: { mec_alarm: alarm, mec_phase: phase },
    annotations: {},
    startsAt: '2025-10-21T14:00:00.000Z',
    fingerprint: `fp-${alarm}`,
    ...rest,
  };
}

/** A queue that records what it was given. */
function recording() {
  const queued: Array<{ id: string; batch: AlertBatch; urgent: boolean }> = [];
  const queue: AlertQueue = { queue: async (id, batch, urgent) => void queued.push({ id, batch, urgent }) };
  return { queued, take: (batch: AlertBatch) => takeAlerts({ queue, alarms: ALARMS, phase: 'M6' }, batch) };
}

describe('takeAlerts', () => {
  it('queues the batch under a name its deliveries make, whatever their order', async () => {
    const { queued, take } = recording();
    const a = alert({ fingerprint: 'fp-a' });
    const b = alert({ fingerprint: 'fp-b' });
    const first = await take({ groupKey: 'g', alerts: [a, b] });
    expect(first).toEqual({ received: 2, batch: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect((await take({ groupKey: 'g', alerts: [b, a] })).batch).toBe(first.batch);
    expect(queued[0]?.batch).toEqual({ groupKey: 'g', alerts: [a, b] });
    // Another delivery (a new start, status, fingerprint or group) is another batch.
    for (const other of [
      { groupKey: 'g2', alerts: [a, b] },
      { groupKey: 'g', alerts: [a] },
      { groupKey: 'g', alerts: [a, { ...b, status: 'resolved' as const }] },
      { groupKey: 'g', alerts: [a, { ...b, startsAt: '2025-10-21T15:00:00.000Z' }] },
    ])
      expect((await take(other)).batch).not.toBe(first.batch);
  });

  it("puts a batch ahead of the rest only when it fires a BLOCKER of the bot's phase", async () => {
    const { queued, take } = recording();
    await take({ groupKey: 'g', alerts: [alert({ alarm: 'determinism_variance' }), alert()] });
    await take({ groupKey: 'g', alerts: [alert({ alarm: 'determinism_variance' })] });
    await take({ groupKey: 'g', alerts: [alert({ status: 'resolved' })] });
    await take({ groupKey: 'g', alerts: [alert({ phase: 'M5' })] });
    await take({ groupKey: 'g', alerts: [alert({ alarm: 'disk_full' })] });
    expect(queued.map((entry) => entry.urgent)).toEqual([true, false, false, false, false]);
  });

  it('fails when the batch could not be queued, so the webhook asks for it again', async () => {
    const queue: AlertQueue = {
      queue: async () => {
        throw new Error('Redis went away');
      },
    };
    await expect(
      takeAlerts({ queue, alarms: ALARMS, phase: 'M6' }, { groupKey: 'g', alerts: [alert()] }),
    ).rejects.toThrow('Redis went away');
  });
});
