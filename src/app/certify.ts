import { MecError } from '../domain/errors.js';
import { guardRegistry, REGISTRY_GATE } from './registry-guard.js';
import { apply, currentArtifactRoot, type RolloutContext } from './rollout-context.js';

/**
 * The phase is certified: its final artifact and registry roots are recorded on the rollout, once. The
 * registry is checked first: a hand edit no one overrode opens its gate, and the certification is
 * refused on the record until a person decides.
 */
export async function certify(ctx: RolloutContext, rolloutId: string): Promise<string> {
  const guard = await guardRegistry(ctx, ctx.phase);
  // Only a registry the guard found the bot's own, or a hand edit a person overrode, is certified. A
  // check cut short (a writer holds the lease, or the gate's commit lost every race) is tried again.
  const registryRoot =
    guard.status === 'intact' || guard.status === 'adopted' || guard.status === 'recovered'
      ? guard.root
      : guard.status === 'overridden' || (guard.status === 'tampered' && (await gateOpen(ctx)))
        ? guard.fileRoot
        : undefined;
  if (registryRoot === undefined)
    throw new MecError(
      'registry_check_incomplete',
      `the registry could not be checked before certifying (${guard.status}); the certify job retries`,
    );
  const artifactRoot = await currentArtifactRoot(ctx);
  const result = await apply(ctx, { type: 'certify', rolloutId, artifactRoot, registryRoot });
  if (result.outcome === 'refused') return 'refused: the registry was edited by hand';
  return result.outcome === 'noop' ? 'already certified' : 'certified';
}

/** Whether the registry gate is open on the record: then decide() refuses the certification, on record. */
async function gateOpen(ctx: RolloutContext): Promise<boolean> {
  const { state } = await ctx.store.load(ctx.phase);
  return state?.gates[REGISTRY_GATE] !== undefined;
}
