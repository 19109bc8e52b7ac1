import { weightServedBy } from '../domain/flag-value.js';
import { type ApplyContext, apply, type RolloutContext } from './rollout-context.js';
import type { TransitionResult } from './transition.js';

/** How often to read again when the rollout changed between reading it and the registry. */
const ATTEMPTS = 5;

type ObserveContext = ApplyContext &
  Pick<RolloutContext, 'policy' | 'settings' | 'registry' | 'newRolloutId'>;

/**
 * Holds the rollout record up against the weight the registry really serves, and opens the `state_lost`
 * gate when the record cannot explain it (decide-state-lost.ts). The record is read first and the
 * decision committed only at its version, so a ramp or rollback that moves both in between makes this
 * read again rather than mistake a change under way for a loss. Undefined when the registry cannot be
 * read, or its flag has a shape whose weight cannot be told.
 */
export async function observeTraffic(ctx: ObserveContext): Promise<TransitionResult | undefined> {
  let result: TransitionResult | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const loaded = await ctx.store.load(ctx.phase);
    // A registry that cannot be read tells nothing about traffic: the alarm or command goes on by the
    // record, and the guard and the traffic jobs, which need the file, answer for it.
    const flags = await ctx.registry.read().then(
      (content) => content.flags,
      () => undefined,
    );
    if (!flags) return undefined;
    const servingPct = weightServedBy(flags[ctx.settings.registry.flag]);
    if (servingPct === undefined) return undefined;
    result = await apply(
      ctx,
      {
        type: 'traffic_observed',
        servingPct,
        registry: ctx.settings.registry.path,
        rolloutId: ctx.newRolloutId(),
        policy: ctx.policy,
      },
      { expectedVersion: loaded.version, loaded },
    );
    if (result.outcome !== 'conflict') return result;
  }
  return result;
}
