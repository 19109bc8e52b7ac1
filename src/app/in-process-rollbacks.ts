import { errorCodeOf } from '../domain/errors.js';
import { noteRollbackFailure } from './note-rollback-failure.js';
import type { TransitionResult } from './ports/transition-result.js';
import { underTrafficLock } from './run-ramp.js';
import { type RollbackAttempt, rollBack } from './run-rollback.js';
import type { WorkContext } from './work-context.js';

/**
 * How long, in milliseconds, a rollback started here holds back the rest of its alert batch (queueing its
 * job, telling Slack, raising the incident) while it restores the registry: those share its event loop
 * and Redis, and shadow comes first. A slower restore (a slow disk, Redis retrying) holds nothing back
 * past this, so the incident still pages by its deadline.
 */
const HOLD_BACK_MS = 250;

/**
 * Rollbacks this process carries out itself the moment it accepts them, ahead of their jobs: a BLOCKER
 * alert's rollback reaches shadow without waiting for a worker to pick its job up. The job stays the
 * retry and crash path. It waits for the traffic lock this process holds, then finds the rollback
 * finished (and does nothing), or takes it up where this process left it: a failed write, a crash.
 */
export interface InProcessRollbacks {
  /**
   * Starts the rollback a committed transition accepted, if it accepted one, and resolves once the
   * registry is restored, the traffic lock was found held elsewhere (the job then rolls back), the
   * attempt failed, or HOLD_BACK_MS passed; the rest runs on. The finish waits for `delivered`, so the
   * thread tells the acceptance before it. Never fails.
   */
  start(result: TransitionResult, delivered: Promise<unknown>): Promise<void>;
  /** Waits for the rollbacks under way here. */
  close(): Promise<void>;
}

/**
 * `failed` is told of an attempt that failed, which is also noted on its incident as retried: its job
 * retries it.
 */
export function inProcessRollbacks(
  ctx: WorkContext,
  failed: (error: Error, rollback: RollbackAttempt) => void,
): InProcessRollbacks {
  const running = new Set<Promise<void>>();
  const noteDeps = { ctx, incidents: ctx.incidents, notifier: ctx.notifier };
  const attempt = async (rollback: RollbackAttempt, restored: () => void, delivered: Promise<unknown>) => {
    // What the attempt got to: the traffic lock taken, the finish committed.
    let locked = false;
    let finished = false;
    try {
      // Tried once: a lock held elsewhere is a ramp's, or this rollback's own job's, which rolls back.
      await underTrafficLock(
        ctx,
        rollback.rolloutId,
        (signal) => {
          locked = true;
          return rollBack(ctx, rollback, signal, {
            restored,
            finishAfter: delivered,
            finished: () => {
              finished = true;
            },
          });
        },
        0,
      );
    } catch (error) {
      restored();
      if (!locked && errorCodeOf(error) === 'lock_timeout') return;
      failed(error as Error, rollback);
      // Finished already: the rollback is done, and its job will find nothing to retry.
      if (finished) return;
      const failure = { rollbackId: rollback.rollbackId, code: errorCodeOf(error), retrying: true };
      await noteRollbackFailure(noteDeps, failure).catch((noting: Error) => failed(noting, rollback));
    }
  };
  return {
    start(result, delivered) {
      const rollback = acceptedRollback(result);
      if (!rollback) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, HOLD_BACK_MS);
        const restored = () => {
          clearTimeout(timer);
          resolve();
        };
        const underWay = attempt(rollback, restored, delivered).finally(() => {
          restored();
          running.delete(underWay);
        });
        running.add(underWay);
      });
    },
    async close() {
      // Until none is left: one may start while another is waited for.
      while (running.size > 0) await Promise.all(running);
    },
  };
}

/** The rollback a transition accepted: its `roll_back` effect, when it applied one. */
function acceptedRollback(result: TransitionResult): RollbackAttempt | undefined {
  if (result.outcome !== 'applied' || !result.state) return undefined;
  const effect = result.effects.find((candidate) => candidate.kind === 'roll_back');
  return effect && { rollbackId: effect.rollbackId, rolloutId: result.state.rolloutId };
}
