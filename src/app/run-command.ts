import { goNoGoRoleFor } from '../domain/decide-checks.js';
import { holdsAnyRole } from '../domain/policy.js';
import { evaluateRampGates } from '../domain/ramp-gates.js';
import { observeTraffic } from './observe-traffic.js';
import { planRollback } from './plan-restore.js';
import type { Command } from './ports/command.js';
import type { CommandOutcome, MirrorStatus } from './ports/rollout-actions.js';
import { postReview } from './post-review.js';
import { guardRegistry } from './registry-guard.js';
import { apply, currentArtifactRoot, type RolloutContext } from './rollout-context.js';
import { verifyWorkspace } from './verify-workspace.js';

/** Ledger entries on one page of `/mec ledger`. */
const LEDGER_PAGE = 10;

/** Carries out one parsed `/mec` command for `actor`. */
export async function runCommand(
  ctx: RolloutContext,
  command: Command,
  actor: string,
): Promise<CommandOutcome> {
  switch (command.verb) {
    case 'help':
      return { kind: 'help' };
    case 'status': {
      // What the registry serves is the truth: a record that lost it shows the state_lost gate.
      const observed = await observeTraffic(ctx);
      // Observing changed nothing, so the rollout it was checked against is the one to show.
      return observed?.outcome === 'noop'
        ? { kind: 'status', rollout: { state: observed.state, version: observed.version } }
        : { kind: 'status' };
    }
    case 'start': {
      // A start on a record that lost the weight the registry serves would adopt that weight as shadow.
      await observeTraffic(ctx);
      const outcome = await applied(ctx, {
        type: 'start',
        actor,
        rolloutId: ctx.newRolloutId(),
        policy: ctx.policy,
      });
      // A hand edit found before this rollout existed had no record to open a gate on; look again now.
      if (outcome.kind === 'transition' && outcome.result.outcome === 'applied')
        await guardRegistry(ctx, ctx.phase);
      return outcome;
    }
    case 'preflight':
    case 'smoke':
      return applied(ctx, { type: 'run_check', actor, check: command.verb });
    case 'go':
    case 'nogo':
      return goNoGo(ctx, actor, command.verb === 'go', 'reason' in command ? command.reason : undefined);
    case 'approvals': {
      if (!holdsAnyRole(ctx.policy, actor)) return roleless('the approval card');
      const { state } = await ctx.store.load(ctx.phase);
      if (state?.status !== 'active')
        return {
          kind: 'refused',
          message: 'Start a rollout with `/mec start` first: there is no active rollout to approve.',
        };
      await ctx.publisher.postApprovalCard(ctx.phase);
      return { kind: 'card_posted' };
    }
    case 'ramp': {
      const artifactRoot = await currentArtifactRoot(ctx);
      if (command.dryRun) {
        const { state } = await ctx.store.load(ctx.phase);
        if (!state)
          return {
            kind: 'refused',
            message:
              'Start a rollout with `/mec start` first: none has been started, so no ramp can be tried.',
          };
        return {
          kind: 'dry_run',
          weightPct: command.weightPct,
          results: evaluateRampGates(state, { actor, weightPct: command.weightPct, artifactRoot }, ctx.now()),
          state,
          actor,
        };
      }
      return applied(ctx, { type: 'ramp', actor, weightPct: command.weightPct, artifactRoot });
    }
    case 'pause':
      return applied(
        ctx,
        command.reason ? { type: 'pause', actor, reason: command.reason } : { type: 'pause', actor },
      );
    case 'resume':
      return applied(ctx, { type: 'resume', actor });
    case 'rollback':
      if (command.dryRun) {
        const { state } = await ctx.store.load(ctx.phase);
        return { kind: 'rollback_dry_run', state, backup: await planRollback(ctx, state?.checks.backup.ref) };
      }
      // Rolls back from the weight really served, even when the record says shadow.
      await observeTraffic(ctx);
      return applied(ctx, { type: 'rollback', actor, reason: command.reason ?? '' });
    case 'abort':
      return applied(ctx, { type: 'abort', actor, reason: command.reason });
    case 'ledger': {
      const { seq: total } = await ctx.ledger.head();
      const page = command.page ?? 1;
      const pages = Math.max(1, Math.ceil(total / LEDGER_PAGE));
      const lastSeq = total - (page - 1) * LEDGER_PAGE;
      const [entries, checkpoint, mirror] = await Promise.all([
        lastSeq < 1 ? [] : ctx.ledger.read(Math.max(1, lastSeq - LEDGER_PAGE + 1), lastSeq),
        ctx.checkpoints.latest(),
        mirrorStatus(ctx, total),
      ]);
      return {
        kind: 'ledger',
        entries,
        total,
        page,
        pages,
        checkpoint,
        mirror: { path: ctx.mirror.path, ...mirror },
      };
    }
    case 'verify': {
      const { ok, checks } = ctx.verifier ? await ctx.verifier.verify() : await verifyWorkspace(ctx);
      return { kind: 'verify', ok, checks };
    }
    case 'review':
      if (!holdsAnyRole(ctx.policy, actor)) return roleless('the weekly review');
      return { kind: 'review_posted', review: await postReview(ctx) };
  }
}

/** How far the mirror goes against a ledger of `total` entries; its last entry is checked against the ledger's. */
async function mirrorStatus(ctx: RolloutContext, total: number): Promise<MirrorStatus> {
  const head = await ctx.mirror.head();
  if (!head) return { status: 'absent' };
  const [entry] = head.seq <= total ? await ctx.ledger.read(head.seq, head.seq) : [];
  if (entry?.seq !== head.seq || entry.hash !== head.hash) return { status: 'diverged', seq: head.seq };
  return { status: head.seq === total ? 'through' : 'behind', seq: head.seq };
}

/** Posting to the release channel is for people who hold a role; anyone else is answered only in private. */
function roleless(what: string): CommandOutcome {
  return {
    kind: 'refused',
    message: `Only people who hold a role in the release policy can post ${what} to the channel. \`/mec status\` shows you where the rollout stands.`,
  };
}

async function applied(ctx: RolloutContext, event: Parameters<typeof apply>[1]): Promise<CommandOutcome> {
  return { kind: 'transition', result: await apply(ctx, event) };
}

/**
 * `/mec go` speaks for the go/no-go role the person holds (for someone holding both, the one still
 * open). Someone holding neither is refused by decide(), so the attempt is recorded.
 */
async function goNoGo(
  ctx: RolloutContext,
  actor: string,
  go: boolean,
  reason: string | undefined,
): Promise<CommandOutcome> {
  const { state } = await ctx.store.load(ctx.phase);
  const roleId = goNoGoRoleFor(state, ctx.policy, actor);
  return applied(
    ctx,
    reason ? { type: 'go_no_go', actor, roleId, go, reason } : { type: 'go_no_go', actor, roleId, go },
  );
}
