import { describe, expect, it } from 'vitest';
import { checkRegistry } from '../../src/app/registry-guard.js';
import { runRollback } from '../../src/app/run-rollback.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { SYSTEM_ACTOR } from '../../src/domain/ledger-entry.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { applyAll, minutes, rampEvent, readyState, trafficDone, U_SRE } from '../domain/fixtures.js';
import { INCIDENT } from '../support/incident.js';
import {
  BLOCKER_ALARM as BLOCKER,
  BACKUP_DIR as DIR,
  SHADOW,
  useCaseWorld,
} from '../support/use-case-world.js';

/** Traffic at 5% with a backup taken, then a rollback asked for by `cause`. */
function rollingBack(
  cause: RolloutEvent = { type: 'rollback', actor: U_SRE, reason: 'error budget' },
): RolloutState {
  const ready = readyState();
  ready.checks.backup.ref = DIR;
  return applyAll(ready, [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
    [cause, minutes(45)],
  ]);
}

const rollbackOf = (state: RolloutState) => ({
  rollbackId: state.rollback?.rollbackId ?? '',
  rolloutId: 'R1',
});

async function atFivePercent() {
  const world = useCaseWorld();
  await world.registry.write(
    { ...world.registry.flags, meta_prod: { mode: 'ramp', weightPct: 5 }, meta_x: 'edited' },
    minutes(40),
  );
  // The bot adopts the file as it finds it, so that a later hand edit shows as one.
  await checkRegistry(world.ctx, 'M6');
  return world;
}

describe('runRollback', () => {
  it('restores the registry from the backup with meta_prod at shadow, then reports: ramps lock', async () => {
    const world = await atFivePercent();
    const state = rollingBack();
    await world.seed(state);
    world.at(minutes(46));
    expect(await runRollback(world.ctx, rollbackOf(state))).toBe('applied');
    expect(world.locks).toEqual(['traffic-R1']);
    expect(world.registry.flags).toEqual({ ...world.backups.backedUp, meta_prod: SHADOW });
    const restore = world.newEntries().find((entry) => entry.body.reason === 'registry_write');
    expect(restore?.body).toMatchObject({
      actor: SYSTEM_ACTOR,
      after: { restoredFrom: DIR, meta_prod: SHADOW },
    });
    expect(world.traffic.changes).toEqual([
      { phase: 'M6', rolloutId: 'R1', actor: SYSTEM_ACTOR, weightPct: 0 },
    ]);
    const finished = world.newEntries().at(-1);
    expect(finished?.body).toMatchObject({ reason: 'rollback_finished' });
    expect(JSON.stringify(finished?.body.detail)).toContain(`registry restored from ${DIR}`);
    expect((await world.store.load('M6')).state).toMatchObject({
      trafficPct: 0,
      lock: { reason: 'error budget' },
    });
    expect(world.observed.rollbacks).toEqual(['person']);
  });

  it('still sets meta_prod to shadow, and says so, when the backup does not hold', async () => {
    const world = await atFivePercent();
    world.backups.verdict = { ok: false, problems: ['meta/meta_flags.json does not match its checksum'] };
    const state = rollingBack();
    await world.seed(state);
    await runRollback(world.ctx, rollbackOf(state));
    expect(world.registry.flags).toMatchObject({ meta_prod: SHADOW, meta_x: 'edited' });
    expect(JSON.stringify(world.newEntries().at(-1)?.body.detail)).toContain(
      'backup unusable (meta/meta_flags.json does not match its checksum): meta_prod set to shadow only',
    );
  });

  it('reaches shadow over a hand-edited registry, and the ledger says what it overwrote', async () => {
    const world = await atFivePercent();
    const state = rollingBack();
    await world.seed(state);
    world.registry.handEdit({ meta_prod: { mode: 'enabled', weightPct: 100 } });
    expect(await runRollback(world.ctx, rollbackOf(state))).toBe('applied');
    expect(world.registry.flags.meta_prod).toEqual(SHADOW);
    const restore = world.newEntries().find((entry) => entry.body.reason === 'registry_write');
    expect(restore?.body.detail).toMatchObject({
      overwroteHandEditedRoot: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("notes on the BLOCKER's incident when traffic reached shadow, and times it from the alert", async () => {
    const world = await atFivePercent();
    const state = rollingBack(BLOCKER);
    await world.seed(state);
    const rollbackId = state.rollback?.rollbackId ?? '';
    const incident = { ...INCIDENT, rollbackId, receivedAt: minutes(45).toISOString() };
    await transitionIncident(world, incident.id, { type: 'open_incident', incident });
    world.at(minutes(45.5));
    await runRollback(world.ctx, rollbackOf(state));
    expect(world.observed.rollbacks).toEqual(['blocker_alarm']);
    expect(world.observed.shadowSeconds).toEqual([30]);
    expect((await world.incidents.load(incident.id)).incident?.shadowAt).toBe(minutes(45.5).toISOString());
    expect(world.notifier.redraws).toEqual([incident.id]);
  });

  it('is stale, writing nothing, for a rollback that is not the one under way', async () => {
    const world = await atFivePercent();
    const state = rollingBack();
    await world.seed(state);
    expect(await runRollback(world.ctx, { rollbackId: 'R1.99', rolloutId: 'R1' })).toBe('stale');
    expect(world.registry.flags.meta_prod).toEqual({ mode: 'ramp', weightPct: 5 });
    expect(world.reasons()).toEqual([]);
  });
});
