import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { alertPayload } from '../support/alertmanager.js';
import { compressed, type JobsHarness, startJobsHarness, toReady } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();

describe('the weekly governance review', () => {
  let standIn: SlackApiStandIn;
  let harness: JobsHarness;

  beforeEach(async () => {
    standIn = new SlackApiStandIn();
    await standIn.start();
    harness = await startJobsHarness(standIn, testRedis(), {
      configure: (config) => {
        const fast = compressed(config);
        return {
          ...fast,
          plan: {
            autoAdvance: false,
            steps: fast.plan.steps.map((step) => ('soak' in step ? { soak: 60_000 } : step)),
          },
        };
      },
    });
  });

  afterEach(async () => {
    await harness.close();
    await standIn.stop();
  });

  const reviewPost = () =>
    standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && textOf(call).includes('Weekly governance review'),
      10_000,
    );

  it("is posted on demand by /mec review, with the week's warnings, rollbacks, gates and approvals", async () => {
    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.soak?.status === 'running');
    await harness.alert(
      alertPayload({ alarm: 'feature_drift', severity: 'WARNING', summary: 'drift detector tripped' }),
    );
    await harness.alert(alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }));
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    // The incident's last words are its time to shadow and then its page, which waits for shadow: wait
    // for both, so the review is the last entry.
    await expect
      .poll(async () => {
        const reasons = await harness.reasons();
        return reasons.includes('incident_at_shadow') && reasons.includes('notice_posted');
      })
      .toBe(true);
    const reply = await harness.command(PEOPLE.sre, 'review');
    expect(String(reply.args.text)).toContain('1 warnings, 1 rollbacks, 1 incidents prevented');
    const digest = textOf(await reviewPost());
    expect(digest).toContain('drift detector tripped');
    expect(digest).toContain('1 prevented incidents');
    expect(digest).toContain('*Approvals*: 4 given');
    expect((await harness.reasons()).at(-1)).toBe('review_posted');
  });

  it('is posted by the review worker when its job runs', async () => {
    await harness.queues.review.add('review', { phase: 'M6' });
    expect(textOf(await reviewPost())).toContain('Weekly governance review · MEC M6');
  });
});
