import { decide } from '../domain/decide.js';
import { noop } from '../domain/decision.js';
import { actorOf, type RolloutEvent } from '../domain/rollout-event.js';
import { sha256Hex } from '../domain/sha256.js';
import { ledgerBody } from './ledger-body.js';
import { type DurationMetrics, observeTransition } from './observe-transition.js';
import type { RefusalCounter } from './ports/refusal-counter.js';
import type { RolloutStore, StoredRollout } from './ports/rollout-store.js';
import type { TransitionResult } from './ports/transition-result.js';

export type { TransitionResult };

export interface TransitionDeps {
  store: RolloutStore;
  now: () => Date;
  /** With it, repeats of one person's identical refusal within a window are not written one by one. */
  refusals?: RefusalCounter;
  /** With it, the steps, soaks and rollouts a commit finished are timed. */
  observe?: DurationMetrics;
}

/** Identical refusals of one person (same action, same reason) within a minute are one ledger entry. */
const REFUSAL_WINDOW_MS = 60_000;

export interface TransitionOptions {
  /**
   * How often to decide again when another process changed the rollout in between. Each retry
   * decides on the fresh state, so a second identical request is then refused or a duplicate.
   * Default 5.
   */
  attempts?: number;
  /**
   * Decide only if the rollout is still at this version, and commit only at it: for a click on a message
   * drawn at that version. Anything else comes back as a conflict, without deciding again.
   */
  expectedVersion?: number;
  /**
   * Record the work of an applied or recorded transition (its effects, and the news of it) in the
   * outbox, in the same commit; the result's `outboxId` names the item. `apply` asks for it.
   */
  record?: boolean;
  /**
   * The rollout as the caller has just loaded it: the first attempt decides on it rather than loading
   * it again. Its commit is still checked against its version, so a rollout changed since is a
   * conflict, decided again on a fresh load.
   */
  loaded?: StoredRollout;
  /**
   * The outbox item whose request this transition carries out (a ramp the plan asked for by itself):
   * the commit removes it, and when it is gone already nothing is committed and the result is a noop.
   */
  consumes?: string;
}

/**
 * Loads the rollout, decides, and commits the new state together with its ledger entry, checked
 * against the version it decided on. On a conflict it decides again on the fresh state.
 */
export async function transition(
  deps: TransitionDeps,
  phase: string,
  event: RolloutEvent,
  options: TransitionOptions = {},
): Promise<TransitionResult> {
  const attempts = options.expectedVersion === undefined ? (options.attempts ?? 5) : 1;
  let version = 0;
  let counted: CountedRefusal | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const loaded = (attempt === 1 ? options.loaded : undefined) ?? (await deps.store.load(phase));
    version = loaded.version;
    if (options.expectedVersion !== undefined && loaded.version !== options.expectedVersion) break;
    const now = deps.now();
    const decision = decide(loaded.state, event, now);
    if (decision.outcome === 'noop') return { ...decision, version };
    // Counted once per request, though a conflict may have it decided again.
    counted ??= await countRefusal(deps.refusals, phase, actorOf(event, ''), event.type, decision);
    // A repeat inside the window is answered as the first was; the next window's first entry counts it.
    if (counted?.repeat) return { ...decision, version };
    const next = decision.outcome === 'applied' ? decision.state : null;
    const body = ledgerBody(phase, event, loaded.state, decision, now, counted?.collapsed);
    const recording = options.record === true && decision.outcome !== 'refused' && decision.state !== null;
    const committed = await deps.store.commit(phase, loaded.version, next, body, {
      ...(recording ? { record: { phase, event, decision } } : {}),
      ...(options.consumes === undefined ? {} : { consumes: options.consumes }),
    });
    if (committed.status === 'consumed')
      return { ...noop(loaded.state, 'duplicate', 'another process already carried this out.'), version };
    if (committed.status === 'committed') {
      const { entry } = committed;
      // Only after the commit: a conflict decides again, and a decision not committed finished nothing.
      if (deps.observe && next) observeTransition(deps.observe, loaded.state, next, now);
      const outboxId = recording ? { outboxId: String(entry.seq) } : {};
      return { ...decision, entry, version: committed.version, ...outboxId };
    }
    version = committed.version;
  }
  return {
    outcome: 'conflict',
    reason: 'conflict',
    message: 'the rollout changed while this request was handled; look at /mec status and try again.',
    effects: [],
    version,
  };
}

/** A refusal counted among identical ones: a repeat inside its window, or the first with what it collapses. */
export interface CountedRefusal {
  repeat: boolean;
  /** The repeats of the window before, not written on their own; for the ledger entry. */
  collapsed?: { count: number; windowMs: number };
}

/**
 * Counts a person's refusal (same phase, person, action and reason) when a counter is given; undefined
 * for anything that is not a person's refusal, which is always written.
 */
export async function countRefusal(
  refusals: RefusalCounter | undefined,
  phase: string,
  actor: string,
  action: string,
  decision: { outcome: string; reason: string },
): Promise<CountedRefusal | undefined> {
  if (!refusals || decision.outcome !== 'refused' || actor === '') return undefined;
  const key = sha256Hex(JSON.stringify([phase, actor, action, decision.reason]));
  const { nth, collapsedBefore } = await refusals.count(key, REFUSAL_WINDOW_MS);
  if (nth > 1) return { repeat: true };
  return collapsedBefore > 0
    ? { repeat: false, collapsed: { count: collapsedBefore, windowMs: REFUSAL_WINDOW_MS } }
    : { repeat: false };
}
