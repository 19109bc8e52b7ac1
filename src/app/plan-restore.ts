import type { Flags } from './ports/flag-registry.js';
import type { RolloutContext } from './rollout-context.js';

export type RestorePlan = { ok: true; flags: Flags; change: string } | { ok: false; problems: string[] };

/** Checks a backup and says what restoring it would change in the registry, changing nothing. */
export async function planRestore(
  ctx: Pick<RolloutContext, 'backups' | 'registry'>,
  dir: string,
): Promise<RestorePlan> {
  // The registry is read while the backup is hashed, to shorten the rollback; a failed read counts
  // only once the backup verified, when it is read again and its error is the one given.
  const [verified, current] = await Promise.all([
    ctx.backups.verify(dir),
    ctx.registry.read().catch(() => undefined),
  ]);
  if (!verified.ok) return { ok: false, problems: verified.problems };
  const backedUp = await ctx.backups.registryFlags(dir);
  const { flags } = current ?? (await ctx.registry.read());
  const keys = [...new Set([...Object.keys(flags), ...Object.keys(backedUp)])].filter(
    (key) => JSON.stringify(flags[key]) !== JSON.stringify(backedUp[key]),
  );
  const change =
    keys.length === 0
      ? 'the registry already matches the backup'
      : `would restore ${keys.map((key) => `${key} ${JSON.stringify(flags[key] ?? null)} → ${JSON.stringify(backedUp[key] ?? null)}`).join(', ')}`;
  return { ok: true, flags: backedUp, change };
}

/** `/mec rollback --dry-run`: the rollout's backup checked, and what restoring it would change. */
export async function planRollback(
  ctx: Pick<RolloutContext, 'backups' | 'registry'>,
  dir: string | undefined,
): Promise<{ ok: boolean; detail: string }> {
  if (!dir) return { ok: false, detail: 'there is no backup yet: the backup step has not run' };
  const plan = await planRestore(ctx, dir);
  return plan.ok
    ? { ok: true, detail: `the checksums of ${dir} hold; ${plan.change}` }
    : { ok: false, detail: plan.problems.join('; ') };
}
