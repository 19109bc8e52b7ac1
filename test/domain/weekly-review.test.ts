import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scheduleWeeklyReview } from '../../src/adapters/bullmq/queues.js';
import { readConfig } from '../../src/config/load-settings.js';
import type { JsonValue } from '../../src/domain/canonical-json.js';
import type { LedgerEntry } from '../../src/domain/ledger-entry.js';
import type { ReasonCode } from '../../src/domain/reason.js';
import { weeklyReview } from '../../src/domain/weekly-review.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { alertPayload, postAlert } from '../support/alertmanager.js';
import {
  ALERT_TOKEN,
  compressed,
  type JobsHarness,
  startJobsHarness,
  toReady,
} from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();

function entry(at: string, reason: ReasonCode, facts: Record<string, JsonValue> = {}): LedgerEntry {
  return {
    seq: 1,
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
    body: {
      v: 1,
      at,
      phase: 'M6',
      rolloutId: 'R1',
      actor: 'mec-bot',
      action: 'x',
      outcome: 'applied',
      reason,
      before: null,
      after: null,
      detail: { facts },
    },
  };
}

describe('weeklyReview', () => {
  it('counts the week from the ledger, rollbacks by BLOCKER alarms as prevented incidents', () => {
    const entries = [
      entry('2025-10-13T10:00:00.000Z', 'alarm_recorded', {
        alarm: 'feature_drift',
        severity: 'WARNING',
        firing: true,
        summary: 'too early',
      }),
      entry('2025-10-20T10:00:00.000Z', 'alarm_recorded', {
        alarm: 'feature_drift',
        severity: 'WARNING',
        firing: true,
        summary: 'drift',
      }),
      entry('2025-10-20T11:00:00.000Z', 'alarm_recorded', {
        alarm: 'feature_drift',
        severity: 'WARNING',
        firing: false,
        summary: 'resolved',
      }),
      entry('2025-10-21T10:00:00.000Z', 'rollback_finished', {
        reason: 'BLOCKER latency_slo_drop: 4%',
        fromPct: 25,
      }),
      entry('2025-10-22T10:00:00.000Z', 'rollback_finished', { reason: 'requested in Slack', fromPct: 5 }),
      entry('2025-10-22T11:00:00.000Z', 'gate_opened'),
      entry('2025-10-22T12:00:00.000Z', 'gate_overridden'),
      entry('2025-10-23T10:00:00.000Z', 'approval_recorded'),
      entry('2025-10-23T10:01:00.000Z', 'approval_rejected_recorded'),
      entry('2025-10-27T09:00:00.000Z', 'approval_recorded'),
    ];
    const review = weeklyReview(
      entries,
      new Date('2025-10-20T09:00:00.000Z'),
      new Date('2025-10-27T09:00:00.000Z'),
    );
    expect(review.warnings).toEqual([
      { alarm: 'feature_drift', at: '2025-10-20T10:00:00.000Z', summary: 'drift' },
    ]);
    expect(review.rollbacks).toHaveLength(2);
    expect(review.preventedIncidents).toBe(1);
    expect(review.gates).toEqual({ opened: 1, closed: 0, overridden: 1 });
    expect(review.approvals).toEqual({ recorded: 1, rejected: 1 });
  });
});

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
    await postAlert(
      harness.webhookUrl,
      alertPayload({ alarm: 'feature_drift', severity: 'WARNING', summary: 'drift detector tripped' }),
      ALERT_TOKEN,
    );
    await postAlert(
      harness.webhookUrl,
      alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }),
      ALERT_TOKEN,
    );
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    const reply = await harness.command(PEOPLE.sre, 'review');
    expect(String(reply.args.text)).toContain('1 warnings, 1 rollbacks, 1 incidents prevented');
    const digest = textOf(await reviewPost());
    expect(digest).toContain('drift detector tripped');
    expect(digest).toContain('1 prevented incidents');
    expect(digest).toContain('*Approvals*: 4 given');
    expect((await harness.reasons()).at(-1)).toBe('review_posted');
  });

  it('runs as a BullMQ job scheduler on the configured cron and time zone, Monday 09:00 UTC by default', async () => {
    const { config } = harness;
    expect(config.review).toEqual({ cron: '0 9 * * 1', timezone: 'UTC' });
    await scheduleWeeklyReview(harness.queues, 'M6', config.review.cron, config.review.timezone);
    await scheduleWeeklyReview(harness.queues, 'M6', '30 8 * * 1', 'Europe/Berlin');
    const schedulers = await harness.queues.review.getJobSchedulers();
    expect(schedulers.map((scheduler) => [scheduler.key, scheduler.pattern, scheduler.tz])).toEqual([
      ['weekly-review', '30 8 * * 1', 'Europe/Berlin'],
    ]);
  });

  it('is posted by the review worker when its job runs', async () => {
    await harness.queues.review.add('review', { phase: 'M6' });
    expect(textOf(await reviewPost())).toContain('Weekly governance review · MEC M6');
  });

  it('refuses a config whose review schedule is not a cron expression', async () => {
    const { writeFile, mkdtemp, readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'mec-review-'));
    const text = `${await readFile('examples/m6/mec.config.yml', 'utf8')}\nreview:\n  cron: "every monday"\n  timezone: UTC\n`;
    await writeFile(join(dir, 'c.yml'), text);
    const result = await readConfig(join(dir, 'c.yml'));
    expect(result.ok ? '' : result.problems.join('\n')).toContain(
      'review.cron: "every monday" in UTC is not a usable cron schedule',
    );
  });
});
