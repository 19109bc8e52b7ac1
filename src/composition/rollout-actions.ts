import { clickApprove, clickReject, clickRolloutButton, submitRejection } from '../app/click-button.js';
import type { RolloutActions } from '../app/ports/rollout-actions.js';
import { apply, type RolloutContext } from '../app/rollout-context.js';
import { runCommand } from '../app/run-command.js';

/** The rollout use cases, bound to one context, for the listeners that call them. */
export function rolloutActions(ctx: RolloutContext): RolloutActions {
  return {
    phase: ctx.phase,
    policy: ctx.policy,
    runCommand: (command, actor) => runCommand(ctx, command, actor),
    clickRolloutButton: (actor, drawn, click) => clickRolloutButton(ctx, actor, drawn, click),
    clickApprove: (actor, drawn) => clickApprove(ctx, actor, drawn),
    clickReject: (actor, drawn) => clickReject(ctx, actor, drawn),
    submitRejection: (actor, drawn, reason) => submitRejection(ctx, actor, drawn, reason),
    overrideGate: (actor, gateId, reason) => apply(ctx, { type: 'override_gate', actor, gateId, reason }),
  };
}
