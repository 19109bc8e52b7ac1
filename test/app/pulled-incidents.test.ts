import { describe, expect, it } from 'vitest';
import type { AlertBatch } from '../../src/app/ports/alert-batch.js';
import { raisePulledIncidents, watchClearance } from '../../src/app/pulled-incidents.js';
import { receiveAlerts } from '../../src/app/receive-alerts.js';
import { apply } from '../../src/app/rollout-context.js';
import { NO_COUNTS, type WatchStep } from '../../src/domain/alarm-watch.js';
import { applyAll, minutes, rampEvent, readyState, trafficDone } from '../domain/fixtures.js';
import { ALARMS, useCaseWorld } from '../support/use-case-world.js';

let jobs = 0;
/** A fresh job's name: each call is its own webhook request, as the alert worker's jobs are. */
const job = () => `job-${++jobs}`;

const [, VARIANCE] = ALARMS as [(typeof ALARMS)[number], (typeof ALARMS)[number]];

/** A rollout soaking at 5% whose evaluation has just tripped the CRITICAL, raised as the soak raises it. */
async function tripped() {
  const world = useCaseWorld();
  await world.seed(
    applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]),
  );
  world.at(minutes(45));
  world.metrics.values.set(VARIANCE.name, 0.11);
  const before = (await world.store.load('M6')).state;
  if (!before) throw new Error('seeded');
  const result = await apply(world.ctx, {
    type: 'alarm',
    alarm: VARIANCE.name,
    severity: 'CRITICAL',
    firing: true,
    summary: 'determinism_variance 0.11 gt 0.08 over 2 evaluations',
  });
  if (result.outcome === 'conflict') throw new Error('no race here');
  const step: WatchStep = {
    counters: { ...NO_COUNTS, breaches: { [VARIANCE.name]: 2 }, evaluations: 2 },
    tripped: [{ alarm: VARIANCE, value: 0.11 }],
    sourceDown: false,
  };
  const clearances = await raisePulledIncidents(world.ctx, {
    watchId: 'soak-1',
    step,
    before,
    result,
    now: world.ctx.now(),
  });
  return { world, clearances };
}

describe('raisePulledIncidents', () => {
  it('pages the incident of a trip and names its first clearance evaluation, an interval later', async () => {
    const { world, clearances } = await tripped();
    const [incident] = await world.incidents.recent();
    expect(world.notifier.pages).toEqual([incident?.id]);
    expect(clearances).toEqual([
      { tick: { incidentId: incident?.id, alarm: VARIANCE.name, tick: 0 }, delayMs: 30_000 },
    ]);
  });
});

describe('a pulled alarm that trips again in the same soak once it cleared', () => {
  it('is a new incident, paged and evaluated on its own', async () => {
    const { world, clearances } = await tripped();
    const [first] = clearances;
    if (!first) throw new Error('one clearance');
    world.metrics.values.set(VARIANCE.name, 0.01);
    await watchClearance(world.ctx, first.tick);
    const before = (await world.store.load('M6')).state;
    if (!before) throw new Error('seeded');
    const result = await apply(world.ctx, {
      type: 'alarm',
      alarm: VARIANCE.name,
      severity: 'CRITICAL',
      firing: true,
      summary: 'again',
    });
    if (result.outcome === 'conflict') throw new Error('no race here');
    const again = await raisePulledIncidents(world.ctx, {
      watchId: 'soak-1',
      step: {
        counters: { ...NO_COUNTS, breaches: { [VARIANCE.name]: 2 }, evaluations: 9 },
        tripped: [{ alarm: VARIANCE, value: 0.12 }],
        sourceDown: false,
      },
      before,
      result,
      now: world.ctx.now(),
    });
    expect(again).toHaveLength(1);
    expect(again[0]?.tick.incidentId).not.toBe(first.tick.incidentId);
    expect(world.notifier.pages).toEqual([first.tick.incidentId, again[0]?.tick.incidentId]);
  });
});

describe('watchClearance', () => {
  it.each([
    ['still breaches', 0.2, 'breaching'],
    ['cannot be read, which is never taken as clear', { error: 'timeout' }, 'unread'],
  ] as const)(
    'reads on an interval later while the alarm %s, resolving nothing',
    async (_what, value, outcome) => {
      const { world, clearances } = await tripped();
      const [first] = clearances;
      if (!first) throw new Error('one clearance');
      world.metrics.values.set(VARIANCE.name, value);
      expect(await watchClearance(world.ctx, first.tick)).toEqual({
        outcome,
        next: { tick: { ...first.tick, tick: 1 }, delayMs: 30_000 },
      });
      expect((await world.incidents.recent())[0]?.resolvedAt).toBeUndefined();
      expect((await world.store.load('M6')).state?.gates).toHaveProperty(VARIANCE.name);
    },
  );

  it('resolves the alarm once it clears: the gate closes, the incident resolves, the thread and notice say so', async () => {
    const { world, clearances } = await tripped();
    const [first] = clearances;
    if (!first) throw new Error('one clearance');
    world.metrics.values.set(VARIANCE.name, 0.01);
    world.at(minutes(46));
    expect(await watchClearance(world.ctx, first.tick)).toEqual({ outcome: 'resolved' });
    expect((await world.store.load('M6')).state?.gates).not.toHaveProperty(VARIANCE.name);
    expect((await world.incidents.recent())[0]?.resolvedAt).toBeDefined();
    expect(world.notifier.followUps).toEqual([
      {
        id: first.tick.incidentId,
        text: expect.stringContaining("mec-bot's own evaluation reads 0.01, no longer gt 0.08"),
      },
    ]);
    expect(world.notifier.redraws).toContain(first.tick.incidentId);
    expect(world.reasons()).toEqual(expect.arrayContaining(['gate_closed', 'incident_resolved']));
    // Once resolved, a later evaluation (a retried job) has nothing left to do.
    expect(await watchClearance(world.ctx, first.tick)).toEqual({ outcome: 'stale' });
  });

  it('leaves the gate to Alertmanager while its own alert of the alarm still fires', async () => {
    const { world, clearances } = await tripped();
    const [first] = clearances;
    if (!first) throw new Error('one clearance');
    const receive = {
      ctx: world.ctx,
      incidents: world.incidents,
      notifier: world.notifier,
      observe: world.ctx.observe,
      pageDeadlineMs: 2_000,
      alarms: ALARMS,
      metrics: world.metrics,
    };
    const alert = (status: 'firing' | 'resolved'): AlertBatch => ({
      groupKey: '{}:{alertname="MecAlarm"}',
      alerts: [
        {
          status,
          labels: { alertname: 'MecAlarm', mec_alarm: VARIANCE.name, mec_phase: 'M6', instance: 'web-0' },
          annotations: { summary: 'determinism_variance breached' },
          startsAt: '2025-10-21T13:44:00.000Z',
          fingerprint: 'fp-web-0',
        },
      ],
    });
    await receiveAlerts(receive, alert('firing'), job());
    world.metrics.values.set(VARIANCE.name, 0.01);
    expect(await watchClearance(world.ctx, first.tick)).toEqual({ outcome: 'resolved' });
    // mec-bot's own incident is resolved; the gate stays while Alertmanager says the alarm fires.
    expect((await world.incidents.load(first.tick.incidentId)).incident?.resolvedAt).toBeDefined();
    expect((await world.store.load('M6')).state?.gates).toHaveProperty(VARIANCE.name);
    await receiveAlerts(receive, alert('resolved'), job());
    expect((await world.store.load('M6')).state?.gates).not.toHaveProperty(VARIANCE.name);
  });
});
