import { describe, expect, it } from 'vitest';
import { postReview } from '../../src/app/post-review.js';
import { apply } from '../../src/app/rollout-context.js';
import { minutes, readyState } from '../domain/fixtures.js';
import { useCaseWorld } from '../support/use-case-world.js';

const DAY = 24 * 60;

const warning = {
  type: 'alarm',
  alarm: 'feature_drift',
  severity: 'WARNING',
  firing: true,
  summary: 'the drift detector tripped',
} as const;

describe('postReview', () => {
  it('counts the last seven days of the ledger, posts the review, and records that it did', async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    world.at(minutes(40));
    await apply(world.ctx, warning);
    world.at(minutes(3 * DAY));
    const review = await postReview(world.ctx);
    expect(review).toMatchObject({
      from: minutes(3 * DAY - 7 * DAY).toISOString(),
      to: minutes(3 * DAY).toISOString(),
      warnings: [{ alarm: 'feature_drift', summary: 'the drift detector tripped' }],
      rollbacks: [],
    });
    expect(world.publisher.reviews).toEqual([review]);
    const posted = world.newEntries().at(-1);
    expect(posted?.body).toMatchObject({ reason: 'review_posted', outcome: 'recorded' });
    expect(posted?.body.detail).toMatchObject({
      facts: { warnings: 1, rollbacks: 0, preventedIncidents: 0 },
    });
  });

  it('leaves out what happened more than a week ago', async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    world.at(minutes(40));
    await apply(world.ctx, warning);
    world.at(minutes(41 + 7 * DAY));
    expect((await postReview(world.ctx)).warnings).toEqual([]);
  });
});
