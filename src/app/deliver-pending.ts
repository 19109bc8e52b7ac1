import { deliverEffects, type RolloutContext } from './rollout-context.js';

/** How a round of re-delivery went: items delivered, and items still pending after it. */
export interface DeliveryRound {
  delivered: number;
  pending: number;
}

/**
 * Delivers the outbox's pending items, oldest first: the work of transitions committed by a process
 * that died, or whose queues refused it, before it was handed on. It stops at the first failure, which
 * is logged: what failed one item (Redis refusing the queue keys) would fail the next, and stopping
 * keeps the news in ledger order. Delivering twice adds nothing, so replicas may all run it.
 */
export async function deliverPending(
  ctx: Pick<
    RolloutContext,
    | 'phase'
    | 'store'
    | 'outbox'
    | 'now'
    | 'effects'
    | 'publisher'
    | 'onDeliveryError'
    | 'files'
    | 'crashpoint'
  >,
): Promise<DeliveryRound> {
  // A bot delivers its own phase's work: another phase's pending items are its bot's to deliver.
  const items = (await ctx.outbox.pending()).filter((item) => item.work.phase === ctx.phase);
  let delivered = 0;
  for (const item of items) {
    try {
      await deliverEffects(ctx, item);
    } catch (error) {
      ctx.onDeliveryError(error as Error);
      break;
    }
    delivered += 1;
  }
  return { delivered, pending: items.length - delivered };
}
