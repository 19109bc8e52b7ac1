import { type Effect, isRunnerEffect } from '../domain/effect.js';
import type { IncidentEvent } from '../domain/incident-event.js';
import { SYSTEM_ACTOR } from '../domain/ledger-entry.js';
import type { RolloutPolicy } from '../domain/policy.js';
import type { RolloutEvent } from '../domain/rollout-event.js';
import type { BackupStore } from './ports/backup-store.js';
import type { CheckpointLog } from './ports/checkpoint-log.js';
import type { EffectRunner } from './ports/effect-runner.js';
import type { FlagRegistry } from './ports/flag-registry.js';
import type { Ledger } from './ports/ledger.js';
import type { LedgerCheckpoints } from './ports/ledger-checkpoints.js';
import type { LedgerMirror } from './ports/ledger-mirror.js';
import type { Outbox, OutboxItem } from './ports/outbox.js';
import type { RefusalCounter } from './ports/refusal-counter.js';
import type { RegistryRootRecord } from './ports/registry-root-record.js';
import type { ReleaseFiles } from './ports/release-files.js';
import type { RolloutMetrics } from './ports/rollout-metrics.js';
import type { RolloutPublisher } from './ports/rollout-publisher.js';
import type { RolloutStore } from './ports/rollout-store.js';
import type { IncidentTransitionResult } from './ports/transition-result.js';
import type { WorkspaceVerifier } from './ports/workspace-verifier.js';
import { type TransitionOptions, type TransitionResult, transition } from './transition.js';
import type { LedgerTrust } from './verify-workspace.js';

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
  /** Counts identical refusals so a flood is written once per window; without it each is written. */
  refusals?: RefusalCounter;
  /** The committed transitions' work not yet delivered; the store's commits record it. */
  outbox: Outbox;
  ledger: Ledger;
  registry: FlagRegistry;
  rootRecord: RegistryRootRecord;
  files: ReleaseFiles;
  mirror: LedgerMirror;
  /** The ledger's signed checkpoints, kept outside Redis. */
  checkpoints: LedgerCheckpoints;
  /** The file of signed checkpoints, as verify reads it. */
  checkpointLog: CheckpointLog;
  /** Whom verify trusts to have signed the checkpoints. */
  trust: LedgerTrust;
  /** Where `/mec verify` runs its audit: off this event loop; in-line (`verifyWorkspace`) without one. */
  verifier?: WorkspaceVerifier;
  backups: BackupStore;
  publisher: RolloutPublisher;
  effects: EffectRunner;
  /** Times what commits finish (steps, soaks, rollouts) for the bot's own metrics; without it, nothing is. */
  observe?: RolloutMetrics;
  now: () => Date;
  newRolloutId: () => string;
  /**
   * Told when delivering a committed transition's work (its jobs, or telling people) failed; it is
   * logged, not undone, and the work stays in the outbox to be delivered again.
   */
  onPublishError: (error: Error) => void;
  /** Told of every transition decided (committed, refused, recorded, or a no-op or lost race): the log's. */
  onTransition?: (phase: string, event: RolloutEvent, result: TransitionResult) => void;
  /** Told of every incident transition decided, as `onTransition` is of the rollout's. */
  onIncidentTransition?: (id: string, event: IncidentEvent, result: IncidentTransitionResult) => void;
  /**
   * A named point where a test may have this process stop dead (it hangs there until killed), to show
   * that another process recovers the work. Does nothing unless the process was started armed.
   */
  crashpoint?: (name: string) => Promise<void>;
}

/** The artifact Merkle root as the workspace files are now. */
export const currentArtifactRoot = async (ctx: Pick<RolloutContext, 'files'>) =>
  (await ctx.files.artifactRoot()).root;

/** What applying an event needs of the context. */
export type ApplyContext = Pick<
  RolloutContext,
  | 'phase'
  | 'store'
  | 'outbox'
  | 'now'
  | 'effects'
  | 'publisher'
  | 'onPublishError'
  | 'onTransition'
  | 'files'
  | 'crashpoint'
  | 'refusals'
  | 'observe'
>;

export interface ApplyOptions extends TransitionOptions {
  /**
   * Work this process takes up itself once the transition committed, before its work is handed to the
   * queues (a rollback started here at once, ahead of its job). Given the result, and a promise that
   * settles once the work and its news are handed on (or failed to be); delivery waits for it.
   */
  beforeDelivery?: (result: TransitionResult, delivered: Promise<void>) => Promise<void>;
}

/**
 * Applies an event: decides and commits it, its work recorded in the outbox by the same commit, then
 * delivers that work at once. When delivery fails the transition still stands: the work stays pending
 * for the dispatcher, and the result says so (`undelivered`).
 */
export async function apply(
  ctx: ApplyContext,
  event: RolloutEvent,
  options: ApplyOptions = {},
): Promise<TransitionResult> {
  const { beforeDelivery, ...transitionOptions } = options;
  const deps = {
    store: ctx.store,
    now: ctx.now,
    ...(ctx.refusals ? { refusals: ctx.refusals } : {}),
    ...(ctx.observe ? { observe: ctx.observe } : {}),
  };
  const result = await transition(deps, ctx.phase, event, {
    ...transitionOptions,
    record: true,
  });
  ctx.onTransition?.(ctx.phase, event, result);
  if (result.outcome === 'conflict' || result.outboxId === undefined || !result.entry) return result;
  // Between the commit and the queues, where a process that dies leaves its work in the outbox.
  for (const effect of result.effects) await ctx.crashpoint?.(`commit:${crashLabel(effect)}`);
  const { outboxId, entry, version, ...decision } = result;
  const item: OutboxItem = { id: outboxId, version, entry, work: { phase: ctx.phase, event, decision } };
  let settle: () => void = () => undefined;
  const delivered = new Promise<void>((resolve) => {
    settle = resolve;
  });
  try {
    await beforeDelivery?.(result, delivered);
    await deliverEffects(ctx, item);
    return result;
  } catch (error) {
    ctx.onPublishError(error as Error);
    return { ...result, undelivered: true };
  } finally {
    settle();
  }
}

/**
 * Delivers one outbox item: hands its effects to their runner, tells people, and removes the item.
 * Every step is idempotent (jobs and posts have deterministic ids), so delivering again after a failure
 * or by a second process adds nothing. A ramp the plan asks for by itself (autoAdvance) is applied
 * last, as the bot's own request, and its commit is what removes the item: so it is applied once.
 */
export async function deliverEffects(ctx: ApplyContext, item: OutboxItem): Promise<void> {
  const { phase, event, decision } = item.work;
  const result: TransitionResult = { ...decision, entry: item.entry, version: item.version };
  // A recorded decision can carry effects too: a rollback asked for again re-issues its job.
  if (decision.state) await ctx.effects.run(phase, decision.state, decision.effects.filter(isRunnerEffect));
  await ctx.publisher.published(phase, result, event);
  const request = decision.effects.find((effect) => effect.kind === 'request_ramp');
  if (!request) return ctx.outbox.done(item.id);
  const artifactRoot = await currentArtifactRoot(ctx);
  const ramp: RolloutEvent = {
    type: 'ramp',
    actor: SYSTEM_ACTOR,
    weightPct: request.weightPct,
    artifactRoot,
  };
  const ramped = await apply(ctx, ramp, { consumes: item.id });
  // Decided as a duplicate, the ramp committed nothing, so nothing removed the item yet.
  if (ramped.outcome === 'noop') await ctx.outbox.done(item.id);
}

/** The crash point's name for an effect's delivery: `commit:<label>`, as MEC_CRASHPOINT arms it. */
function crashLabel(effect: Effect): string {
  switch (effect.kind) {
    case 'run_check':
      return effect.check;
    case 'set_traffic':
      return 'ramp';
    case 'end_soak_at':
      return 'soak';
    case 'roll_back':
      return 'rollback';
    case 'post_card':
      return `card_${effect.card}`;
    default:
      return effect.kind;
  }
}
