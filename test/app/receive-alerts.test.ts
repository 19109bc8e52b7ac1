import { describe, expect, it } from 'vitest';
import type { AlertBatch, ReceivedAlert } from '../../src/app/ports/alert-batch.js';
import { deliveryOf, type ReceiveDeps, receiveAlerts } from '../../src/app/receive-alerts.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { applyAll, minutes, rampEvent, readyState, trafficDone } from '../domain/fixtures.js';
import { ALARMS, type UseCaseWorld, useCaseWorld } from '../support/use-case-world.js';

let jobs = 0;
/** A fresh job's name: each call is its own webhook request, as the alert worker's jobs are. */
const job = () => `job-${++jobs}`;

const alert = (alarm: string, fields: Partial<ReceivedAlert> = {}): ReceivedAlert => ({
  status: 'firing',
  labels: { alertname: 'MecAlarm', mec_alarm: alarm, mec_phase: 'M6' },
  annotations: { summary: `${alarm} breached` },
  startsAt: '2025-10-21T13:44:00.000Z',
  fingerprint: `fp-${alarm}`,
  ...fields,
});

const batch = (...alerts: ReceivedAlert[]): AlertBatch => ({ groupKey: '{}:{alertname="MecAlarm"}', alerts });

const atFive = (): RolloutState =>
  applyAll(readyState(), [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
  ]);

async function receiving(state: RolloutState | null = atFive()) {
  const world = useCaseWorld();
  if (state) await world.seed(state);
  world.at(minutes(45));
  const deps: ReceiveDeps = {
    ctx: world.ctx,
    alarms: ALARMS,
    incidents: world.incidents,
    metrics: world.metrics,
    notifier: world.notifier,
    observe: world.ctx.observe,
    pageDeadlineMs: 2_000,
  };
  return { world, deps };
}

const incidents = (world: UseCaseWorld) => world.incidents.recent();

describe('receiveAlerts', () => {
  it('rolls a BLOCKER back before anyone is told, then pages its incident with the value and the traffic', async () => {
    const { world, deps } = await receiving();
    world.metrics.values.set('latency_slo_drop', 0.042);
    expect(await receiveAlerts(deps, batch(alert('latency_slo_drop')), job())).toEqual({
      received: 1,
      duplicates: 0,
      unknown: 0,
    });
    const { state } = await world.store.load('M6');
    expect(world.effects.effects).toEqual([expect.objectContaining({ kind: 'roll_back', fromPct: 5 })]);
    const [incident] = await incidents(world);
    expect(incident).toMatchObject({
      alarm: 'latency_slo_drop',
      severity: 'BLOCKER',
      summary: 'latency_slo_drop breached',
      value: 0.042,
      comparator: 'gt',
      threshold: 0.03,
      windowMs: 300_000,
      fromPct: 5,
      rollbackId: state?.rollback?.rollbackId,
      receivedAt: minutes(45).toISOString(),
    });
    expect(world.notifier.pages).toEqual([incident?.id]);
    // The rollback has not run yet: the page waits for shadow, up to the whole deadline.
    expect(world.notifier.pageWaitsMs).toEqual([2_000]);
    expect(world.reasons()).toEqual(['rollback_accepted', 'incident_opened']);
  });

  it('pages a CRITICAL at once: there is no rollback to wait for', async () => {
    const { world, deps } = await receiving();
    await receiveAlerts(deps, batch(alert('determinism_variance')), job());
    expect(world.notifier.pages).toHaveLength(1);
    expect(world.notifier.pageWaitsMs).toEqual([0]);
  });

  it('rolls a BLOCKER back by the record when the registry cannot be read', async () => {
    const { world, deps } = await receiving();
    world.registry.read = async () => {
      throw new Error('meta/meta_flags.json is not JSON');
    };
    await receiveAlerts(deps, batch(alert('latency_slo_drop')), job());
    expect(world.effects.effects).toEqual([expect.objectContaining({ kind: 'roll_back', fromPct: 5 })]);
    expect(world.notifier.pages).toHaveLength(1);
  });

  it('acts on a re-sent alert once: one rollback, one incident, one page', async () => {
    const { world, deps } = await receiving();
    await receiveAlerts(deps, batch(alert('latency_slo_drop')), job());
    const before = world.reasons();
    expect(await receiveAlerts(deps, batch(alert('latency_slo_drop')), job())).toMatchObject({
      duplicates: 1,
    });
    expect(world.reasons()).toEqual(before);
    expect(world.notifier.pages).toHaveLength(1);
  });

  it('records a WARNING for the weekly review, paging nobody', async () => {
    const { world, deps } = await receiving();
    await receiveAlerts(deps, batch(alert('feature_drift')), job());
    expect(world.reasons()).toEqual(['alarm_recorded']);
    expect(await incidents(world)).toEqual([]);
    expect(world.notifier.pages).toEqual([]);
  });

  it.each([
    ['an alarm the phase does not have', alert('disk_full')],
    [
      'another phase',
      alert('latency_slo_drop', { labels: { mec_alarm: 'latency_slo_drop', mec_phase: 'M7' } }),
    ],
  ])(
    'records an alert for %s as unknown, instead of dropping it, and pages nobody',
    async (_what, unknown) => {
      const { world, deps } = await receiving();
      expect(await receiveAlerts(deps, batch(unknown), job())).toMatchObject({ unknown: 1 });
      expect(world.reasons()).toEqual(['alarm_unknown']);
      expect((await world.store.load('M6')).state?.rollback).toBeUndefined();
      expect(world.notifier.pages).toEqual([]);
    },
  );

  it("closes a CRITICAL's gate when it resolves, and follows up on its incident", async () => {
    const { world, deps } = await receiving();
    await receiveAlerts(deps, batch(alert('determinism_variance')), job());
    expect(Object.keys((await world.store.load('M6')).state?.gates ?? {})).toEqual(['determinism_variance']);
    world.at(minutes(50));
    await receiveAlerts(deps, batch(alert('determinism_variance', { status: 'resolved' })), job());
    expect((await world.store.load('M6')).state?.gates).toEqual({});
    const [incident] = await incidents(world);
    expect(incident?.resolvedAt).toBe(minutes(50).toISOString());
    expect(world.notifier.followUps).toEqual([
      { id: incident?.id, text: expect.stringContaining('determinism_variance resolved at') },
    ]);
    expect(world.notifier.redraws).toEqual([incident?.id]);
  });

  it('keeps the incident and its CRITICAL gate while one of its instances still fires', async () => {
    const { world, deps } = await receiving();
    const on = (instance: string, status: 'firing' | 'resolved' = 'firing') =>
      alert('determinism_variance', {
        status,
        labels: { alertname: 'MecAlarm', mec_alarm: 'determinism_variance', mec_phase: 'M6', instance },
        fingerprint: `fp-${instance}`,
      });
    await receiveAlerts(deps, batch(on('web-0'), on('web-1'), on('web-2')), job());
    world.at(minutes(50));
    await receiveAlerts(deps, batch(on('web-0', 'resolved'), on('web-1', 'resolved')), job());
    const gates = async () => Object.keys((await world.store.load('M6')).state?.gates ?? {});
    expect(await gates()).toEqual(['determinism_variance']);
    const [open] = await incidents(world);
    expect(open).toMatchObject({ resolvedInstances: ['web-0', 'web-1'] });
    expect(open?.resolvedAt).toBeUndefined();
    expect(world.notifier.followUps).toEqual([]);
    await receiveAlerts(deps, batch(on('web-2', 'resolved')), job());
    expect(await gates()).toEqual([]);
    const [closed] = await incidents(world);
    expect(closed?.resolvedAt).toBe(minutes(50).toISOString());
    expect(world.notifier.pages).toHaveLength(1);
  });

  it("says what the alarm's config says when the alert has no summary, and pages a value it could not read as unknown", async () => {
    const { world, deps } = await receiving(readyState());
    await receiveAlerts(
      { ...deps, metrics: undefined },
      batch(alert('latency_slo_drop', { annotations: {} })),
      job(),
    );
    const [incident] = await incidents(world);
    expect(incident).toMatchObject({
      summary: 'p95 latency SLO attainment dropped',
      value: null,
      fromPct: 0,
    });
    expect((await world.store.load('M6')).state?.lock?.reason).toContain('BLOCKER latency_slo_drop');
  });
});

describe('receiveAlerts when a claim fails', () => {
  it('gives back the claims that succeeded, so the re-send of the batch is acted on', async () => {
    const { world, deps } = await receiving();
    const claimDelivery = world.incidents.claimDelivery.bind(world.incidents);
    let calls = 0;
    // The second of three claims fails, after the first has claimed its delivery.
    world.incidents.claimDelivery = async (delivery, owner) => {
      calls += 1;
      if (calls === 2) throw new Error('Redis went away');
      return claimDelivery(delivery, owner);
    };
    const sent = batch(
      alert('determinism_variance', { fingerprint: 'fp-a' }),
      alert('determinism_variance', { fingerprint: 'fp-b' }),
      alert('determinism_variance', { fingerprint: 'fp-c' }),
    );
    await expect(receiveAlerts(deps, sent, job())).rejects.toThrow('Redis went away');
    expect(world.reasons()).toEqual([]);
    world.incidents.claimDelivery = claimDelivery;
    // Another job with the batch (the failed one was removed, and a re-send queued it again): every
    // delivery is acted on, none held by the failed job.
    expect(await receiveAlerts(deps, sent, job())).toMatchObject({ received: 3, duplicates: 0 });
    expect(world.notifier.pages).toHaveLength(1);
  });
});

describe('receiveAlerts after a worker died mid-job', () => {
  it("acts, in the job's retry, on the claims its dead run left; another job takes them as held", async () => {
    const { world, deps } = await receiving();
    const sent = batch(alert('determinism_variance', { fingerprint: 'fp-left' }));
    const [left] = sent.alerts;
    if (!left) throw new Error('expected an alert');
    // The dead run claimed the delivery and never kept or gave it back.
    expect(await world.incidents.claimDelivery(deliveryOf(sent.groupKey, left), 'job-dead')).toBe(true);
    expect(await receiveAlerts(deps, sent, 'job-other')).toMatchObject({ duplicates: 1 });
    expect(world.reasons()).toEqual([]);
    expect(await receiveAlerts(deps, sent, 'job-dead')).toMatchObject({ received: 1, duplicates: 0 });
    expect(world.reasons()).toContain('incident_opened');
    expect(await receiveAlerts(deps, sent, 'job-dead')).toMatchObject({ duplicates: 1 });
  });
});
