import { describe, expect, it } from 'vitest';
import { inProcessRollbacks } from '../../src/app/in-process-rollbacks.js';
import { checkRegistry } from '../../src/app/registry-guard.js';
import { apply } from '../../src/app/rollout-context.js';
import type { RollbackAttempt } from '../../src/app/run-rollback.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { MecError } from '../../src/domain/errors.js';
import { applyAll, minutes, rampEvent, readyState, trafficDone } from '../domain/fixtures.js';
import { INCIDENT } from '../support/incident.js';
import {
  BLOCKER_ALARM as BLOCKER,
  BACKUP_DIR as DIR,
  SHADOW,
  useCaseWorld,
} from '../support/use-case-world.js';

const RAMP_5 = { mode: 'ramp', weightPct: 5 };

/** Traffic at 5% with a backup taken, the registry serving it as the bot wrote it. */
async function atFivePercent() {
  const world = useCaseWorld();
  await world.registry.write({ ...world.registry.flags, meta_prod: RAMP_5 }, minutes(40));
  await checkRegistry(world.ctx, 'M6');
  const ready = readyState();
  ready.checks.backup.ref = DIR;
  await world.seed(
    applyAll(ready, [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]),
  );
  world.at(minutes(45));
  const failures: Array<{ code: string | undefined; rollback: RollbackAttempt }> = [];
  const rollbacks = inProcessRollbacks(world.ctx, (error, rollback) =>
    failures.push({ code: (error as MecError).code, rollback }),
  );
  return { world, rollbacks, failures };
}

/** A promise and the function that settles it. */
function deferred() {
  let settle: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    settle = resolve;
  });
  return { promise, settle };
}

describe('inProcessRollbacks', () => {
  it('restores the registry to shadow before the accepted rollback is handed to its job', async () => {
    const { world, rollbacks } = await atFivePercent();
    const servedWhenQueued: unknown[] = [];
    const queue = world.ctx.effects;
    world.ctx.effects = {
      run: async (phase, state, effects) => {
        if (effects.some((effect) => effect.kind === 'roll_back'))
          servedWhenQueued.push(world.registry.flags.meta_prod);
        await queue.run(phase, state, effects);
      },
    };
    await apply(world.ctx, BLOCKER, { beforeDelivery: rollbacks.start });
    await rollbacks.close();
    expect(servedWhenQueued).toEqual([SHADOW]);
    expect(world.effects.effects).toEqual([expect.objectContaining({ kind: 'roll_back', fromPct: 5 })]);
    expect(world.registry.flags).toEqual({ ...world.backups.backedUp, meta_prod: SHADOW });
    expect(world.reasons()).toEqual(['rollback_accepted', 'registry_write', 'rollback_finished']);
    expect(world.locks).toEqual(['traffic-R1']);
  });

  it('records the finish only once the acceptance has been handed on', async () => {
    const { world, rollbacks } = await atFivePercent();
    const result = await apply(world.ctx, BLOCKER);
    const delivered = deferred();
    await rollbacks.start(result, delivered.promise);
    expect(world.registry.flags.meta_prod).toEqual(SHADOW);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(world.reasons()).toEqual(['rollback_accepted', 'registry_write']);
    delivered.settle();
    await rollbacks.close();
    expect(world.reasons()).toEqual(['rollback_accepted', 'registry_write', 'rollback_finished']);
  });

  it('leaves the rollback to its job when the traffic lock is held elsewhere', async () => {
    const { world, rollbacks, failures } = await atFivePercent();
    world.ctx.lock = {
      withLock: async (_name, _leaseMs, _work, waitMs) => {
        expect(waitMs).toBe(0);
        throw new MecError('lock_timeout', 'held by the rollback job');
      },
    };
    await apply(world.ctx, BLOCKER, { beforeDelivery: rollbacks.start });
    await rollbacks.close();
    expect(world.registry.flags.meta_prod).toEqual(RAMP_5);
    expect(world.reasons()).toEqual(['rollback_accepted']);
    expect(world.effects.effects).toEqual([expect.objectContaining({ kind: 'roll_back' })]);
    expect(failures).toEqual([]);
  });

  it('tells of a failed attempt and notes it on the incident as retried, for the job to retry', async () => {
    const { world, rollbacks, failures } = await atFivePercent();
    world.ctx.traffic = {
      setWeight: async () => {
        throw new MecError('traffic_controller_failed', 'the flag system answered 503');
      },
    };
    const result = await apply(world.ctx, BLOCKER);
    const rollbackId = result.outcome === 'applied' ? (result.state?.rollback?.rollbackId ?? '') : '';
    const incident = { ...INCIDENT, rollbackId, receivedAt: minutes(45).toISOString() };
    await transitionIncident(world, incident.id, { type: 'open_incident', incident });
    await rollbacks.start(result, Promise.resolve());
    await rollbacks.close();
    expect(failures).toEqual([
      { code: 'traffic_controller_failed', rollback: { rollbackId, rolloutId: 'R1' } },
    ]);
    expect((await world.incidents.load(incident.id)).incident?.rollbackFailure).toMatchObject({
      code: 'traffic_controller_failed',
      retrying: true,
    });
    expect(world.reasons()).not.toContain('rollback_finished');
  });

  it('tells of a failure after the finish was recorded, but notes no retry: the rollback is done', async () => {
    const { world, rollbacks, failures } = await atFivePercent();
    const result = await apply(world.ctx, BLOCKER);
    const rollbackId = result.outcome === 'applied' ? (result.state?.rollback?.rollbackId ?? '') : '';
    const incident = { ...INCIDENT, rollbackId, receivedAt: minutes(45).toISOString() };
    await transitionIncident(world, incident.id, { type: 'open_incident', incident });
    // Stamping the incident at shadow, after the finish, fails once (Redis dropped the call).
    const ofRollback = world.incidents.ofRollback.bind(world.incidents);
    let calls = 0;
    world.incidents.ofRollback = async (id) => {
      calls += 1;
      if (calls === 1) throw new MecError('slack_reply_invalid', 'the call was dropped');
      return ofRollback(id);
    };
    await rollbacks.start(result, Promise.resolve());
    await rollbacks.close();
    expect(world.reasons()).toContain('rollback_finished');
    expect(failures).toEqual([{ code: 'slack_reply_invalid', rollback: { rollbackId, rolloutId: 'R1' } }]);
    expect((await world.incidents.load(incident.id)).incident?.rollbackFailure).toBeUndefined();
  });

  it('starts nothing for a transition that accepted no rollback', async () => {
    const { world, rollbacks } = await atFivePercent();
    const result = await apply(world.ctx, { ...BLOCKER, severity: 'WARNING', alarm: 'feature_drift' });
    await rollbacks.start(result, Promise.resolve());
    await rollbacks.close();
    expect(world.locks).toEqual([]);
    expect(world.registry.flags.meta_prod).toEqual(RAMP_5);
  });
});
