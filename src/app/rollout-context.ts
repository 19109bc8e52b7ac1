import type { Effect } from '../domain/effect.js';
import type { RolloutPolicy } from '../domain/policy.js';
import type { RolloutEvent } from '../domain/rollout-event.js';
import type { RolloutState } from '../domain/rollout-state.js';
import type { Ledger, RolloutStore } from './ports/rollout-store.js';
import { type TransitionOptions, type TransitionResult, transition } from './transition.js';
import type { VerifyCheck } from './verify-workspace.js';
import type { WeeklyReview } from './weekly-review.js';

/** Tells people what changed: redraws the rollout message and App Home, and posts details in the thread. */
export interface RolloutPublisher {
  published(phase: string, result: TransitionResult, event: RolloutEvent): Promise<void>;
  postApprovalCard(phase: string): Promise<void>;
  redraw(phase: string): Promise<void>;
}

/** Carries out the effects that need work beyond Slack (checks, traffic, soaks, rollbacks). */
export interface EffectRunner {
  run(phase: string, state: RolloutState, effects: readonly Effect[]): Promise<void>;
}

/** What the use cases behind Slack need. Built once in main.ts. */
export interface RolloutContext {
  phase: string;
  policy: RolloutPolicy;
  alarms: ReadonlyArray<{ name: string; severity: string }>;
  store: RolloutStore;
  ledger: Ledger;
  now: () => Date;
  newRolloutId: () => string;
  /** The artifact Merkle root as the workspace files are now. */
  artifactRoot: () => Promise<string>;
  verify: () => Promise<{ ok: boolean; checks: VerifyCheck[] }>;
  /** Checks the rollout's backup and says what restoring it would change, changing nothing. */
  planRollback: (backupDir: string | undefined) => Promise<{ ok: boolean; detail: string }>;
  /** Counts the last seven days of the ledger into the governance review, posts it, and records that. */
  postReview: () => Promise<WeeklyReview>;
  /** Re-checks the workspace's integrity (the registry) and opens CRITICAL gates for what it finds. */
  guardIntegrity: () => Promise<void>;
  publisher: RolloutPublisher;
  effects: EffectRunner;
  /** Told when telling people about a committed transition failed; it is logged, not undone. */
  onPublishError: (error: Error) => void;
}

/**
 * Applies an event: decides and commits it, then hands the effects to their runner and tells people.
 * Slack-facing effects (cards) are the publisher's; the rest go to the effect runner.
 */
export async function apply(
  ctx: RolloutContext,
  event: RolloutEvent,
  options: TransitionOptions = {},
): Promise<TransitionResult> {
  const result = await transition({ store: ctx.store, now: ctx.now }, ctx.phase, event, options);
  // A recorded decision can carry effects too: a rollback asked for again re-issues its job.
  if ((result.outcome === 'applied' || result.outcome === 'recorded') && result.state) {
    await ctx.effects.run(
      ctx.phase,
      result.state,
      result.effects.filter((effect) => effect.kind !== 'post_card'),
    );
  }
  // The transition is committed: a Slack failure now must not make it look undone to the caller.
  if (result.outcome === 'applied' || result.outcome === 'recorded') {
    await ctx.publisher
      .published(ctx.phase, result, event)
      .catch((error: Error) => ctx.onPublishError(error));
  }
  return result;
}
