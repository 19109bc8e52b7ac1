import { moveTraffic, type TrafficDeps } from './move-traffic.js';
import { guardRegistry } from './registry-guard.js';
import { apply } from './rollout-context.js';
import type { WorkContext } from './work-context.js';

/**
 * Ramps and rollbacks of a rollout take turns under one lock, so a rollback's write to shadow always
 * lands after any ramp write that was already under way. The lock is renewed while the work runs, so a
 * slow write keeps it; `signal` aborts if it is lost anyway, and the writes check it. `waitMs` bounds
 * the wait for it (the lock's default when absent; 0 tries once).
 */
export const underTrafficLock = (
  ctx: WorkContext,
  rolloutId: string,
  work: (signal: AbortSignal) => Promise<string>,
  waitMs?: number,
) => ctx.lock.withLock(`traffic-${rolloutId}`, ctx.settings.jobs.lockDuration, work, waitMs);

/** What traffic moves go through: the registry, its guard, the external flag system, and the lock's signal. */
export const trafficDeps = (ctx: WorkContext, signal: AbortSignal): TrafficDeps => ({
  registry: ctx.registry,
  rootRecord: ctx.rootRecord,
  now: ctx.now,
  flag: ctx.settings.registry.flag,
  external: ctx.traffic,
  signal,
});

/**
 * Moves traffic for an accepted ramp. If the ramp is no longer pending (a rollback cancelled it) nothing
 * is written. Setting a weight the registry already has records nothing, so a retry after a crash
 * between the write and the report moves traffic once.
 */
export function runRamp(
  ctx: WorkContext,
  ramp: { rampId: string; weightPct: number; rolloutId: string },
): Promise<string> {
  const { rampId, weightPct, rolloutId } = ramp;
  return underTrafficLock(ctx, rolloutId, async (signal) => {
    const { state } = await ctx.store.load(ctx.phase);
    const pending = state?.pendingRamp;
    if (!state || state.rolloutId !== rolloutId || pending?.rampId !== rampId) return 'stale';
    // A hand-edited registry is not written over by a ramp: the CRITICAL gate opens, the ramp is
    // cancelled with it, and a person decides. An edit a person overrode is written over, on the record.
    const guard = await guardRegistry(ctx, ctx.phase);
    if (guard.status === 'tampered') return 'registry_tampered';
    const deps = trafficDeps(ctx, signal);
    if (guard.status === 'overridden') deps.overriddenHandEdit = guard.fileRoot;
    await moveTraffic(deps, {
      phase: ctx.phase,
      rolloutId,
      actor: pending.requestedBy,
      weightPct,
    });
    await ctx.crashpoint('ramp:after_write');
    signal.throwIfAborted();
    return (await apply(ctx, { type: 'traffic_applied', rampId, weightPct })).outcome;
  });
}
