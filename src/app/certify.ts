import { guardRegistry } from './registry-guard.js';
import { apply, currentArtifactRoot, type RolloutContext } from './rollout-context.js';

/**
 * The phase is certified: its final artifact and registry roots are recorded on the rollout, once. The
 * registry is checked first: a hand edit no one overrode opens its gate, and the certification is
 * refused on the record until a person decides.
 */
export async function certify(ctx: RolloutContext, rolloutId: string): Promise<string> {
  const guard = await guardRegistry(ctx, ctx.phase);
  const artifactRoot = await currentArtifactRoot(ctx);
  // The root certified is the one the guard looked at, not a later read an edit could slip in before.
  const registryRoot =
    'root' in guard ? guard.root : 'fileRoot' in guard ? guard.fileRoot : (await ctx.registry.read()).root;
  const result = await apply(ctx, { type: 'certify', rolloutId, artifactRoot, registryRoot });
  if (result.outcome === 'refused') return 'refused: the registry was edited by hand';
  return result.outcome === 'noop' ? 'already certified' : 'certified';
}
