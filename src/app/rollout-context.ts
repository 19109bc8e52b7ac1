import { isRunnerEffect } from '../domain/effect.js';
import { SYSTEM_ACTOR } from '../domain/ledger-entry.js';
import type { RolloutPolicy } from '../domain/policy.js';
import type { RolloutEvent } from '../domain/rollout-event.js';
import type { BackupStore } from './ports/backup-store.js';
import type { EffectRunner } from './ports/effect-runner.js';
import type { FlagRegistry } from './ports/flag-registry.js';
import type { Ledger } from './ports/ledger.js';
import type { LedgerMirror } from './ports/ledger-mirror.js';
import type { RegistryRootRecord } from './ports/registry-root-record.js';
import type { ReleaseFiles } from './ports/release-files.js';
import type { RolloutPublisher } from './ports/rollout-publisher.js';
import type { RolloutStore } from './ports/rollout-store.js';
import { type TransitionOptions, type TransitionResult, transition } from './transition.js';

/** The parts of the config the rollout use cases read. */
export interface RolloutSettings {
  phase: string;
  registry: { path: string; flag: string };
  backup: { files: readonly string[] };
}

/** What the rollout use cases work with: the policy, the ports, and the clock. Built once, by the wiring. */
export interface RolloutContext {
  phase: string;
  policy: RolloutPolicy;
  settings: RolloutSettings;
  store: RolloutStore;
  ledger: Ledger;
  registry: FlagRegistry;
  rootRecord: RegistryRootRecord;
  files: ReleaseFiles;
  mirror: LedgerMirror;
  backups: BackupStore;
  publisher: RolloutPublisher;
  effects: EffectRunner;
  now: () => Date;
  newRolloutId: () => string;
  /** Told when telling people about a committed transition failed; it is logged, not undone. */
  onPublishError: (error: Error) => void;
}

/** The artifact Merkle root as the workspace files are now. */
export const currentArtifactRoot = async (ctx: Pick<RolloutContext, 'files'>) =>
  (await ctx.files.artifactRoot()).root;

/**
 * Applies an event: decides and commits it, then hands the effects to their runner and tells people.
 * Cards are the publisher's to post; a ramp the plan asks for by itself (autoAdvance) is applied here,
 * as the bot's own request, after the transition that asked for it.
 */
export async function apply(
  ctx: Pick<RolloutContext, 'phase' | 'store' | 'now' | 'effects' | 'publisher' | 'onPublishError' | 'files'>,
  event: RolloutEvent,
  options: TransitionOptions = {},
): Promise<TransitionResult> {
  const result = await transition({ store: ctx.store, now: ctx.now }, ctx.phase, event, options);
  if (result.outcome !== 'applied' && result.outcome !== 'recorded') return result;
  // A recorded decision can carry effects too: a rollback asked for again re-issues its job.
  if (result.state) await ctx.effects.run(ctx.phase, result.state, result.effects.filter(isRunnerEffect));
  // The transition is committed: a Slack failure now must not make it look undone to the caller.
  await ctx.publisher.published(ctx.phase, result, event).catch((error: Error) => ctx.onPublishError(error));
  for (const effect of result.effects) {
    if (effect.kind !== 'request_ramp') continue;
    const artifactRoot = await currentArtifactRoot(ctx);
    await apply(ctx, { type: 'ramp', actor: SYSTEM_ACTOR, weightPct: effect.weightPct, artifactRoot });
  }
  return result;
}
