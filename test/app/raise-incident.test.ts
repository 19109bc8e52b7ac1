import { describe, expect, it } from 'vitest';
import type { AlertBatch } from '../../src/app/ports/alert-batch.js';
import { type RaiseDeps, raiseIncident } from '../../src/app/raise-incident.js';
import { type ReceiveDeps, receiveAlerts } from '../../src/app/receive-alerts.js';
import { apply } from '../../src/app/rollout-context.js';
import { flagValueFor } from '../../src/domain/flag-value.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import { applyAll, BLOCKER_ALARM, minutes, rampEvent, readyState, trafficDone } from '../domain/fixtures.js';
import { ALARMS, type UseCaseWorld, useCaseWorld } from '../support/use-case-world.js';

let jobs = 0;
/** A fresh job's name: each call is its own webhook request, as the alert worker's jobs are. */
const job = () => `job-${++jobs}`;

const [LATENCY] = ALARMS as [(typeof ALARMS)[number]];

/** A rollout live at 5%, and the deps of both ways in: the soak's own check and Alertmanager. */
async function liveAtFive() {
  const world = useCaseWorld();
  await world.seed(
    applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]),
  );
  world.at(minutes(45));
  const raise: RaiseDeps = {
    ctx: world.ctx,
    incidents: world.incidents,
    notifier: world.notifier,
    observe: world.ctx.observe,
    pageDeadlineMs: 2_000,
  };
  const receive: ReceiveDeps = { ...raise, alarms: ALARMS, metrics: world.metrics };
  return { world, raise, receive };
}

/** The soak's check trips the BLOCKER: it applies the alarm and raises the incident of its soak. */
async function soakTrips(world: UseCaseWorld, raise: RaiseDeps) {
  const before = (await world.store.load('M6')).state;
  const result = await apply(world.ctx, BLOCKER_ALARM);
  return raiseIncident(raise, {
    alarm: LATENCY,
    id: 'soak-incident-1',
    text: 'latency_slo_drop at 0.05 over two evaluations',
    receivedAt: world.ctx.now(),
    before,
    result,
    value: 0.05,
  });
}

const alertmanager = (status: 'firing' | 'resolved', ...instances: string[]): AlertBatch => ({
  groupKey: '{}:{alertname="MecAlarm"}',
  alerts: instances.map((instance) => ({
    status,
    labels: { alertname: 'MecAlarm', mec_alarm: 'latency_slo_drop', mec_phase: 'M6', instance },
    annotations: { summary: 'latency_slo_drop breached' },
    startsAt: '2025-10-21T13:44:00.000Z',
    fingerprint: `fp-${instance}`,
  })),
});

/** The rollback job's work: the registry back at shadow, then its report. */
async function finishRollback(world: UseCaseWorld) {
  world.registry.handEdit({ ...world.registry.flags, meta_prod: flagValueFor(0) });
  const rollbackId = (await world.store.load('M6')).state?.rollback?.rollbackId ?? 'none';
  const finished: RolloutEvent = { type: 'rollback_finished', rollbackId, summary: 'flag set to shadow' };
  await apply(world.ctx, finished);
}

describe('one breach seen by the soak and by Alertmanager', () => {
  it('folds the alerts into the soak’s incident while its rollback runs: one incident, one page', async () => {
    const { world, raise, receive } = await liveAtFive();
    expect(await soakTrips(world, raise)).toBe('opened');
    await receiveAlerts(receive, alertmanager('firing', 'web-0', 'web-1'), job());
    const incidents = await world.incidents.recent();
    expect(incidents.map((incident) => incident.id)).toEqual(['soak-incident-1']);
    expect(incidents[0]?.instances).toEqual(['web-0', 'web-1']);
    expect(world.notifier.pages).toEqual(['soak-incident-1']);
  });

  it('folds them in after the rollback finished too, within the alarm’s window, and resolves it with them', async () => {
    const { world, raise, receive } = await liveAtFive();
    await soakTrips(world, raise);
    await finishRollback(world);
    world.at(minutes(48));
    await receiveAlerts(receive, alertmanager('firing', 'web-0'), job());
    expect(world.notifier.pages).toEqual(['soak-incident-1']);
    world.at(minutes(60));
    await receiveAlerts(receive, alertmanager('resolved', 'web-0'), job());
    const [incident] = await world.incidents.recent();
    expect(incident).toMatchObject({ id: 'soak-incident-1', resolvedAt: minutes(60).toISOString() });
  });

  it('pages anew for an alert long after the rollback: that is a new breach', async () => {
    const { world, raise, receive } = await liveAtFive();
    await soakTrips(world, raise);
    await finishRollback(world);
    world.at(minutes(45 + 30));
    await receiveAlerts(receive, alertmanager('firing', 'web-0'), job());
    expect(world.notifier.pages).toHaveLength(2);
  });

  it('does not page again when the soak trips on a breach Alertmanager reported first', async () => {
    const { world, raise, receive } = await liveAtFive();
    await receiveAlerts(receive, alertmanager('firing', 'web-0'), job());
    expect(await soakTrips(world, raise)).toBe('folded');
    expect(world.notifier.pages).toHaveLength(1);
    expect((await world.incidents.recent()).map((incident) => incident.alarm)).toEqual(['latency_slo_drop']);
  });
});

describe('alerts folded together', () => {
  it('redraw the incident notice once per merged fold, not once per alert that joined it', async () => {
    const { world, raise } = await liveAtFive();
    const before = (await world.store.load('M6')).state;
    const result = await apply(world.ctx, BLOCKER_ALARM);
    const raised = (instances?: string[]) =>
      raiseIncident(raise, {
        alarm: LATENCY,
        id: 'incident-1',
        text: 'latency_slo_drop breached',
        receivedAt: world.ctx.now(),
        before,
        result,
        value: 0.05,
        ...(instances ? { instances } : {}),
      });
    expect(await raised()).toBe('opened');
    const callers = 20;
    const outcomes = await Promise.all(Array.from({ length: callers }, (_, i) => raised([`web-${i}`])));
    expect(outcomes.every((outcome) => outcome === 'folded')).toBe(true);
    const folds = world.reasons().filter((reason) => reason === 'alert_folded').length;
    // The callers were merged (fewer folds than callers), and each fold redrew the notice once.
    expect(folds).toBeGreaterThan(0);
    expect(folds).toBeLessThan(callers);
    expect(world.notifier.redraws).toEqual(Array.from({ length: folds }, () => 'incident-1'));
    expect((await world.incidents.load('incident-1')).incident?.instances).toHaveLength(callers);
  });
});
