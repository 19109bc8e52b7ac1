import { type WeeklyReview, weeklyReview } from '../domain/weekly-review.js';
import { apply, type RolloutContext } from './rollout-context.js';

const WEEK_MS = 7 * 86_400_000;

/** Counts the last seven days of the ledger into the governance review, posts it, and records that. */
export async function postReview(ctx: RolloutContext): Promise<WeeklyReview> {
  const to = ctx.now();
  const review = weeklyReview(await ctx.ledger.read(), new Date(to.getTime() - WEEK_MS), to);
  await ctx.publisher.postReview(ctx.phase, review);
  await apply(ctx, {
    type: 'review_posted',
    warnings: review.warnings.length,
    rollbacks: review.rollbacks.length,
    preventedIncidents: review.preventedIncidents,
  });
  return review;
}
