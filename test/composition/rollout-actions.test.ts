import { describe, expect, it } from 'vitest';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { rolloutActions } from '../../src/composition/rollout-actions.js';
import { minutes, ROOT_A, readyState, smokedState, U_GOV, U_OUT, U_SEC, U_SRE } from '../domain/fixtures.js';
import { INCIDENT } from '../support/incident.js';
import { useCaseWorld } from '../support/use-case-world.js';

async function actionsOn(state = readyState()) {
  const world = useCaseWorld();
  await world.seed(state);
  world.at(minutes(40));
  return { world, actions: rolloutActions(world.ctx, world.incidents, world.notifier) };
}

describe('rolloutActions', () => {
  it("carries the context's phase and policy, and runs commands on it", async () => {
    const { world, actions } = await actionsOn();
    expect([actions.phase, actions.policy]).toEqual(['M6', world.ctx.policy]);
    expect(await actions.runCommand({ verb: 'pause' }, U_SRE)).toMatchObject({
      result: { reason: 'paused' },
    });
  });

  it('sends each click to its own use case', async () => {
    const { world, actions } = await actionsOn(smokedState());
    const drawn = { rolloutId: 'R1', artifactRoot: ROOT_A, roleId: 'security_officer', nonce: 0 };
    expect(await actions.clickApprove(U_SEC, drawn)).toMatchObject({
      result: { reason: 'approval_recorded' },
    });
    expect(await actions.clickReject(U_SEC, drawn)).toMatchObject({ kind: 'ask_reason' });
    expect(await actions.submitRejection(U_SEC, drawn, 'CVE open')).toMatchObject({
      result: { reason: 'approval_rejected_recorded' },
    });
    expect(
      await actions.clickRolloutButton(
        U_SRE,
        // The rejection voided the approvals: the go/no-go card was drawn again with the next nonce.
        { rolloutId: 'R1', version: 0, nonce: 1 },
        { action: 'go_no_go', go: true },
      ),
    ).toMatchObject({ result: { reason: 'go_recorded' } });
    expect(world.reasons()).toEqual(['approval_recorded', 'approval_rejected_recorded', 'go_recorded']);
  });

  it('overrides a gate and acknowledges an incident for the person who asked', async () => {
    const { world, actions } = await actionsOn();
    expect(await actions.overrideGate(U_GOV, 'determinism_variance', 'x')).toMatchObject({
      reason: 'gate_not_open',
    });
    await transitionIncident(world, INCIDENT.id, { type: 'open_incident', incident: INCIDENT });
    expect(await actions.acknowledgeIncident(U_SRE, INCIDENT.id)).toMatchObject({
      reason: 'incident_acknowledged',
    });
    expect(await actions.acknowledgeIncident(U_OUT, INCIDENT.id)).toMatchObject({ reason: 'not_permitted' });
  });
});
