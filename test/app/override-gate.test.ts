import { describe, expect, it } from 'vitest';
import { certify } from '../../src/app/certify.js';
import { overrideGate } from '../../src/app/override-gate.js';
import { checkRegistry, REGISTRY_GATE } from '../../src/app/registry-guard.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import type { Incident } from '../../src/domain/incident.js';
import { registryMerkleRoot } from '../../src/domain/merkle.js';
import { applyAll, completeState, minutes, readyState, U_GOV, U_RM } from '../domain/fixtures.js';
import { INCIDENT } from '../support/incident.js';
import { useCaseWorld } from '../support/use-case-world.js';

const critical = (id: string, fields: Partial<Incident> = {}): Incident => {
  const { rollbackId: _rollbackId, ...incident } = INCIDENT;
  return { ...incident, id, alarm: 'determinism_variance', severity: 'CRITICAL', fromPct: 0, ...fields };
};

async function gated() {
  const world = useCaseWorld();
  await world.seed(
    applyAll(readyState(), [
      [
        { type: 'alarm', alarm: 'determinism_variance', severity: 'CRITICAL', firing: true, summary: '0.11' },
        minutes(39),
      ],
    ]),
  );
  for (const incident of [
    critical('open-1'),
    critical('open-2'),
    critical('resolved', { resolvedAt: minutes(38).toISOString() }),
    critical('other-alarm', { alarm: 'quality_drop' }),
  ]) {
    await transitionIncident(world, incident.id, { type: 'open_incident', incident });
  }
  world.at(minutes(40));
  return world;
}

const override = (actor: string, reason = 'known flake, GOV-42') =>
  ({ type: 'override_gate', actor, gateId: 'determinism_variance', reason }) as const;

describe('overrideGate', () => {
  it("closes the gate, then notes who overrode it and why on each of the alarm's open incidents", async () => {
    const world = await gated();
    const result = await overrideGate(world, override(U_GOV));
    expect(result).toMatchObject({ outcome: 'applied', reason: 'gate_overridden' });
    expect((await world.store.load('M6')).state?.gates).toEqual({});
    for (const id of ['open-1', 'open-2'])
      expect((await world.incidents.load(id)).incident?.overridden).toMatchObject({
        by: U_GOV,
        reason: 'known flake, GOV-42',
      });
    for (const id of ['resolved', 'other-alarm'])
      expect((await world.incidents.load(id)).incident?.overridden).toBeUndefined();
    expect(world.notifier.followUps.map(({ id }) => id).sort()).toEqual(['open-1', 'open-2']);
    expect(world.notifier.followUps[0]?.text).toContain(
      `${U_GOV} overrode the determinism_variance deployment gate`,
    );
    expect(world.notifier.redraws.sort()).toEqual(['open-1', 'open-2']);
  });

  it('touches no incident when the rollout refused the override', async () => {
    const world = await gated();
    const result = await overrideGate(world, override(U_RM));
    expect(result).toMatchObject({ outcome: 'refused', reason: 'not_permitted' });
    expect((await world.incidents.load('open-1')).incident?.overridden).toBeUndefined();
    expect(world.notifier.followUps).toEqual([]);
    expect(world.reasons().at(-1)).toBe('not_permitted');
  });

  it('certifies a completed phase whose certification the registry gate refused, once it is overridden', async () => {
    const world = useCaseWorld();
    await checkRegistry(world.ctx, 'M6');
    await world.seed(completeState());
    world.registry.handEdit({ ...world.registry.flags, meta_shadow_logging: false });
    expect(await certify(world.ctx, 'R1')).toBe('refused: the registry was edited by hand');
    const result = await overrideGate(world, {
      type: 'override_gate',
      actor: U_GOV,
      gateId: REGISTRY_GATE,
      reason: 'set by the on-call, GOV-7',
    });
    expect(result).toMatchObject({ outcome: 'applied', reason: 'gate_overridden' });
    expect((await world.store.load('M6')).state?.certified?.registryRoot).toBe(
      registryMerkleRoot(world.registry.flags),
    );
    expect(world.reasons()).toEqual([
      'gate_opened',
      'critical_gate_open',
      'gate_overridden',
      'phase_certified',
    ]);
  });
});
