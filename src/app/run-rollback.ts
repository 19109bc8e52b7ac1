import { MecError } from '../domain/errors.js';
import { flagValueFor } from '../domain/flag-value.js';
import { SYSTEM_ACTOR } from '../domain/ledger-entry.js';
import { moveTraffic } from './move-traffic.js';
import { planRestore } from './plan-restore.js';
import { restoreRegistry } from './registry-guard.js';
import { apply } from './rollout-context.js';
import { trafficDeps, underTrafficLock } from './run-ramp.js';
import { stampShadow } from './stamp-shadow.js';
import type { WorkContext } from './work-context.js';

/** A rollback as its job carries it: the attempt's id and its rollout's. */
export interface RollbackAttempt {
  rollbackId: string;
  rolloutId: string;
}

/**
 * Returns traffic to shadow: restores the registry from the backup when its checksums hold (and at
 * least sets the flag to shadow when they do not), then reports. Idempotent in the same way as a ramp.
 */
export function runRollback(ctx: WorkContext, rollback: RollbackAttempt): Promise<string> {
  return underTrafficLock(ctx, rollback.rolloutId, (signal) => rollBack(ctx, rollback, signal));
}

/** What a caller of `rollBack` may wait on, or hold it to. */
export interface RollbackHooks {
  /** Told once the registry is restored (at shadow), before the external flag system is. */
  restored?: () => void;
  /** The finish is recorded only once this has settled. */
  finishAfter?: Promise<unknown>;
  /** Told once `rollback_finished` is committed: what fails after it leaves nothing to retry. */
  finished?: () => void;
}

/**
 * The rollback itself, for a caller that holds the traffic lock (`signal` is the lock's). A rollback no
 * longer under way is `stale` and writes nothing, so a second attempt after a finished one does nothing.
 */
export async function rollBack(
  ctx: WorkContext,
  rollback: RollbackAttempt,
  signal: AbortSignal,
  hooks: RollbackHooks = {},
): Promise<string> {
  const { rollbackId, rolloutId } = rollback;
  const { flag } = ctx.settings.registry;
  const { state } = await ctx.store.load(ctx.phase);
  if (!state || state.rolloutId !== rolloutId || state.rollback?.rollbackId !== rollbackId) return 'stale';
  await ctx.crashpoint('rollback:before_restore');
  const dir = state.checks.backup.ref;
  const plan = dir ? await planRestore(ctx, dir) : undefined;
  const shadow = { [flag]: flagValueFor(0) };
  const flags = plan?.ok ? { ...plan.flags, ...shadow } : { ...(await ctx.registry.read()).flags, ...shadow };
  const restored = await restoreRegistry(trafficDeps(ctx, signal), {
    phase: ctx.phase,
    rolloutId,
    actor: SYSTEM_ACTOR,
    flags,
    source: dir ?? 'none',
  });
  if (restored.status !== 'written' && restored.status !== 'unchanged')
    throw new MecError(
      'registry_restore_failed',
      `the registry could not be restored (${restored.status}); retrying`,
    );
  hooks.restored?.();
  const summary = plan?.ok
    ? `registry restored from ${dir}`
    : `${plan ? `backup unusable (${plan.problems.join('; ')})` : 'no backup'}: ${flag} set to shadow only`;
  // Tells an external flag system too; for the registry alone it is already done, and records nothing.
  await moveTraffic(trafficDeps(ctx, signal), {
    phase: ctx.phase,
    rolloutId,
    actor: SYSTEM_ACTOR,
    weightPct: 0,
  });
  await ctx.crashpoint('rollback:after_restore');
  await hooks.finishAfter;
  signal.throwIfAborted();
  const result = await apply(ctx, { type: 'rollback_finished', rollbackId, summary });
  if (result.outcome === 'applied') {
    hooks.finished?.();
    ctx.observe.rollbackFinished(state.rollback.reason.startsWith('BLOCKER') ? 'blocker_alarm' : 'person');
    await stampShadow(
      { ctx, incidents: ctx.incidents, notifier: ctx.notifier, observe: ctx.observe },
      rollbackId,
    );
  }
  return result.outcome;
}
