import { certify } from '../app/certify.js';
import type { InProcessRollbacks } from '../app/in-process-rollbacks.js';
import { noteRollbackFailure } from '../app/note-rollback-failure.js';
import type { BackgroundWork } from '../app/ports/background-work.js';
import { postReview } from '../app/post-review.js';
import { watchClearance } from '../app/pulled-incidents.js';
import { receiveAlerts } from '../app/receive-alerts.js';
import { runCheck } from '../app/run-check.js';
import { runRamp } from '../app/run-ramp.js';
import { runRollback } from '../app/run-rollback.js';
import { soakCountdown } from '../app/soak-countdown.js';
import { watchTick } from '../app/watch-tick.js';
import type { WorkContext } from '../app/work-context.js';

/**
 * The background use cases, bound to one work context, for the job workers. A BLOCKER's rollback starts
 * at once in `rollbacks`, when given, as well as in its job.
 */
export function backgroundWork(
  ctx: WorkContext,
  rollbacks?: Pick<InProcessRollbacks, 'start'>,
): BackgroundWork {
  const alertDeps = {
    ctx,
    alarms: ctx.settings.alarms,
    incidents: ctx.incidents,
    metrics: ctx.metrics,
    notifier: ctx.notifier,
    observe: ctx.observe,
    pageDeadlineMs: ctx.settings.jobs.pageDeadline,
    ...(rollbacks ? { rollbacks } : {}),
  };
  return {
    runCheck: (run) => runCheck(ctx, run),
    runRamp: (ramp) => runRamp(ctx, ramp),
    runRollback: (rollback) => runRollback(ctx, rollback),
    rollbackFailed: (failure) =>
      noteRollbackFailure({ ctx, incidents: ctx.incidents, notifier: ctx.notifier }, failure),
    certify: (rolloutId) => certify(ctx, rolloutId),
    watchTick: (tick) => watchTick(ctx, tick),
    watchClearance: (tick) => watchClearance(ctx, tick),
    soakCountdown: (countdown) => soakCountdown(ctx, countdown),
    postReview: () => postReview(ctx),
    receiveAlerts: async (batch, owner) => {
      const { received, duplicates, unknown } = await receiveAlerts(alertDeps, batch, owner);
      return `${received} received, ${duplicates} duplicates, ${unknown} unmatched`;
    },
  };
}
