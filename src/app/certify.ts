import { apply, currentArtifactRoot } from './rollout-context.js';
import type { WorkContext } from './work-context.js';

/** The phase is certified: its final artifact and registry roots are recorded on the rollout, once. */
export async function certify(ctx: WorkContext, rolloutId: string): Promise<string> {
  const artifactRoot = await currentArtifactRoot(ctx);
  const { root: registryRoot } = await ctx.registry.read();
  const result = await apply(ctx, { type: 'certify', rolloutId, artifactRoot, registryRoot });
  return result.outcome === 'noop' ? 'already certified' : 'certified';
}
