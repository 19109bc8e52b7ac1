import { acknowledgeIncident } from '../app/acknowledge-incident.js';
import { clickApprove, clickReject, clickRolloutButton, submitRejection } from '../app/click-button.js';
import { overrideGate } from '../app/override-gate.js';
import type { IncidentNotifier } from '../app/ports/incident-notifier.js';
import type { IncidentStore } from '../app/ports/incident-store.js';
import type { RolloutActions } from '../app/ports/rollout-actions.js';
import type { RolloutContext } from '../app/rollout-context.js';
import { runCommand } from '../app/run-command.js';

/** The rollout use cases, bound to one context, for the listeners that call them. */
export function rolloutActions(
  ctx: RolloutContext,
  incidents: IncidentStore,
  notifier: IncidentNotifier,
): RolloutActions {
  const incidentDeps = { ctx, incidents, notifier };
  return {
    phase: ctx.phase,
    policy: ctx.policy,
    runCommand: (command, actor) => runCommand(ctx, command, actor),
    clickRolloutButton: (actor, drawn, click) => clickRolloutButton(ctx, actor, drawn, click),
    clickApprove: (actor, drawn) => clickApprove(ctx, actor, drawn),
    clickReject: (actor, drawn) => clickReject(ctx, actor, drawn),
    submitRejection: (actor, drawn, reason) => submitRejection(ctx, actor, drawn, reason),
    overrideGate: (actor, gateId, reason) =>
      overrideGate(incidentDeps, { type: 'override_gate', actor, gateId, reason }),
    acknowledgeIncident: (actor, incidentId) => acknowledgeIncident(incidentDeps, incidentId, actor),
  };
}
