import { cardNonce } from '../domain/approvals.js';
import { goNoGoRoleFor } from '../domain/decide-checks.js';
import { holdsRole } from '../domain/policy.js';
import type { RolloutEvent } from '../domain/rollout-event.js';
import type { RolloutState } from '../domain/rollout-state.js';
import type { ClickOutcome, RolloutClick } from './ports/rollout-actions.js';
import { apply, currentArtifactRoot, type RolloutContext } from './rollout-context.js';

/**
 * Acts on a rollout-message button only if the message was drawn from the current state; a click on
 * an older drawing changes nothing and is answered with the current state.
 */
export async function clickRolloutButton(
  ctx: RolloutContext,
  actor: string,
  drawn: { rolloutId: string; version: number; nonce?: number },
  click: RolloutClick,
): Promise<ClickOutcome> {
  const { state, version } = await ctx.store.load(ctx.phase);
  // The go/no-go is bound to the rollout, its stage (which decide() checks) and the card nonce, which
  // changes when approvals are voided; other buttons to the drawing.
  const current =
    state?.rolloutId === drawn.rolloutId &&
    (click.action === 'go_no_go' ? drawn.nonce === cardNonce(state) : version === drawn.version);
  if (!state || !current) return stale(ctx, state);
  const event = await eventFor(ctx, state, actor, click);
  const result = await apply(
    ctx,
    event,
    click.action === 'go_no_go' ? {} : { expectedVersion: drawn.version },
  );
  // Another transition landed between the look and the commit: the drawing was stale after all.
  if (result.outcome === 'conflict') return stale(ctx, (await ctx.store.load(ctx.phase)).state);
  return { kind: 'transition', result };
}

async function stale(ctx: RolloutContext, state: RolloutState | null): Promise<ClickOutcome> {
  await ctx.publisher.redraw(ctx.phase);
  return { kind: 'stale', state };
}

async function eventFor(
  ctx: RolloutContext,
  state: RolloutState,
  actor: string,
  click: RolloutClick,
): Promise<RolloutEvent> {
  switch (click.action) {
    case 'ramp':
      return {
        type: 'ramp',
        actor,
        weightPct: click.weightPct,
        artifactRoot: await currentArtifactRoot(ctx),
      };
    case 'pause':
    case 'resume':
      return { type: click.action, actor };
    case 'rollback':
      return { type: 'rollback', actor, reason: 'requested from the rollout message' };
    case 'retry_check':
      return { type: 'run_check', actor, check: click.check };
    case 'go_no_go':
      return { type: 'go_no_go', actor, roleId: goNoGoRoleFor(state, ctx.policy, actor), go: click.go };
  }
}

/**
 * An approval click. The card is bound to an artifact root and a card nonce: when the files have changed
 * since it was drawn, or the approvals were voided, decide() refuses the click (so the ledger records
 * it) and the card is drawn again as it is now.
 */
export async function clickApprove(
  ctx: RolloutContext,
  actor: string,
  drawn: { rolloutId: string; artifactRoot: string; roleId: string; nonce: number },
): Promise<ClickOutcome> {
  const { state } = await ctx.store.load(ctx.phase);
  if (!state || state.rolloutId !== drawn.rolloutId) return stale(ctx, state);
  const artifactRoot = await currentArtifactRoot(ctx);
  const result = await apply(ctx, {
    type: 'approve',
    actor,
    roleId: drawn.roleId,
    artifactRoot,
    drawn: { artifactRoot: drawn.artifactRoot, nonce: drawn.nonce },
  });
  if (result.reason === 'stale_card') await ctx.publisher.redraw(ctx.phase);
  return { kind: 'transition', result };
}

/** The reason given in the reject modal. */
export async function submitRejection(
  ctx: RolloutContext,
  actor: string,
  drawn: { rolloutId: string; roleId: string },
  reason: string,
): Promise<ClickOutcome> {
  const { state } = await ctx.store.load(ctx.phase);
  if (!state || state.rolloutId !== drawn.rolloutId) return { kind: 'stale', state };
  return {
    kind: 'transition',
    result: await apply(ctx, { type: 'reject', actor, roleId: drawn.roleId, reason }),
  };
}

/**
 * A click on Reject: a member of the role gets the modal that asks for the reason. Anyone else is
 * refused, and the attempt is recorded: decide() refuses a non-member before it looks at the reason.
 */
export async function clickReject(
  ctx: RolloutContext,
  actor: string,
  drawn: { rolloutId: string; roleId: string },
): Promise<ClickOutcome | { kind: 'ask_reason'; state: RolloutState }> {
  const { state } = await ctx.store.load(ctx.phase);
  if (!state || state.rolloutId !== drawn.rolloutId) return { kind: 'stale', state };
  if (holdsRole(ctx.policy, actor, drawn.roleId)) return { kind: 'ask_reason', state };
  return {
    kind: 'transition',
    result: await apply(ctx, { type: 'reject', actor, roleId: drawn.roleId, reason: 'clicked Reject' }),
  };
}
