import { deliverEffects, type RolloutContext } from './rollout-context.js';

/** How a round of re-delivery went: items delivered, and items still pending after it. */
export interface DeliveryRound {
  delivered: number;
  pending: number;
}

/**
 * Delivers the outbox's pending items, oldest first: the work of transitions committed by a process
 * that died, or whose queues refused it, before it was handed on. Each item is delivered on its own, so
 * one that keeps failing (it is logged each time) never holds back the others, a rollback among them.
 * Delivering twice adds nothing, so replicas may all run it.
 */
export async function deliverPending(
  ctx: Pick<
    RolloutContext,
    'phase' | 'store' | 'outbox' | 'now' | 'effects' | 'publisher' | 'onPublishError' | 'files' | 'crashpoint'
  >,
): Promise<DeliveryRound> {
  // A bot delivers its own phase's work: another phase's pending items are its bot's to deliver.
  const items = (await ctx.outbox.pending()).filter((item) => item.work.phase === ctx.phase);
  let delivered = 0;
  for (const item of items) {
    try {
      await deliverEffects(ctx, item);
      delivered += 1;
    } catch (error) {
      ctx.onPublishError(error as Error);
    }
  }
  return { delivered, pending: items.length - delivered };
}
