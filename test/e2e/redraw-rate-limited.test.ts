import { describe, expect, it } from 'vitest';
import { ACTION } from '../../src/adapters/slack/ids.js';
import { useJobsHarness } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { approvalCardPost, button, latestDrawing, where } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
const current = useJobsHarness(testRedis);

const APPROVERS = [
  ['Governance Lead', PEOPLE.governance],
  ['SRE On-Call', PEOPLE.sre],
  ['Security Officer', PEOPLE.security],
] as const;

/** Notify jobs not finished yet: waiting, delayed or running. */
async function notifyPending(): Promise<number> {
  const counts = await current().harness.queues.notify.getJobCounts(
    'waiting',
    'prioritized',
    'delayed',
    'active',
  );
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

describe('a redraw of several messages once chat.update is down to its refill rate', () => {
  it('draws every message: a retry after a 429 does not spend the token on what already landed', async () => {
    const { harness, standIn } = current();
    await harness.command(PEOPLE.releaseManager, 'start');
    await harness.waitForState((state) => state.checks.smoke.status === 'passed');
    await harness.command(PEOPLE.governance, 'go');
    await harness.command(PEOPLE.sre, 'go');
    const card = await approvalCardPost(standIn);
    for (const [name, user] of APPROVERS)
      await harness.click(
        user,
        ACTION.approve,
        button(latestDrawing(standIn, card), ACTION.approve, name),
        where(card),
      );
    await expect.poll(notifyPending, { timeout: 15_000 }).toBe(0);
    // The app's chat.update allowance is spent (as by a busy day's redraws): from here on Slack takes
    // about one update every 1.2 s, and answers 429 with the Retry-After of the next one.
    const limits = standIn.rules.methodLimits;
    while (limits.take('chat.update', '', Date.now()) === undefined);

    const last = button(latestDrawing(standIn, card), ACTION.approve, 'Product Owner');
    await harness.click(PEOPLE.product, ACTION.approve, last, where(card));

    // The parent message, the approval card and the go/no-go card are each redrawn with the approval.
    await expect
      .poll(() => JSON.stringify(latestDrawing(standIn, card).args.blocks).includes(`<@${PEOPLE.product}>`), {
        timeout: 20_000,
      })
      .toBe(true);
    await expect.poll(notifyPending, { timeout: 20_000 }).toBe(0);
  }, 60_000);
});
