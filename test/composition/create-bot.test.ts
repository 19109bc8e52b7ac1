import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { closeQueues, createQueues } from '../../src/adapters/bullmq/queues.js';
import { runCommand } from '../../src/app/run-command.js';
import { createBot } from '../../src/composition/create-bot.js';
import { readConfig } from '../../src/config/load-settings.js';
import { useTestRedis } from '../support/redis.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const testRedis = useTestRedis();

/** A pino logger whose lines are kept, parsed. */
function recorded() {
  const lines: Array<Record<string, unknown>> = [];
  return {
    lines,
    logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
  };
}

async function options() {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const redis = testRedis();
  const { lines, logger } = recorded();
  return {
    lines,
    redis,
    options: {
      config: loaded.config,
      workspace: await copyExampleWorkspace(),
      redis: redis.connect(),
      prefix: redis.prefix,
      logger,
    },
  };
}

describe('createBot', () => {
  it('without Slack or queues, has no Slack side, only logs transitions, and starts no workers', async () => {
    const { lines, options: built, redis } = await options();
    const bot = createBot(built);
    expect(bot.slack).toBeUndefined();
    await runCommand(bot.ctx, { verb: 'start' }, 'U0RELEASEMGR');
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'transition',
        level: 30,
        user: 'U0RELEASEMGR',
        outcome: 'applied',
        reason: 'rollout_started',
        seq: expect.any(Number),
      }),
    );
    expect(() => bot.startWorkers(redis.connect({ maxRetriesPerRequest: null }))).toThrow(
      expect.objectContaining({ code: 'invariant_violated' }),
    );
  });

  it('with queues, turns effects into jobs', async () => {
    const { options: built, redis } = await options();
    const queues = createQueues(redis.connect({ maxRetriesPerRequest: null }), redis.prefix);
    try {
      const bot = createBot({ ...built, queues });
      await runCommand(bot.ctx, { verb: 'start' }, 'U0RELEASEMGR');
      const { state } = await bot.ctx.store.load('M6');
      expect((await queues.preflight.getJobs(['waiting'])).map((job) => job.id)).toEqual([
        `preflight-${state?.checks.preflight.runId}`,
      ]);
    } finally {
      await closeQueues(queues);
    }
  });

  it('reads the dashboard fresh, with the configured alarms', async () => {
    const { options: built } = await options();
    const bot = createBot(built);
    const data = await bot.dashboard();
    expect(data).toMatchObject({ phase: 'M6', state: null });
    expect(data.alarms.map((alarm) => alarm.name)).toEqual([
      'latency_slo_drop',
      'determinism_variance',
      'feature_drift',
    ]);
  });

  it('counts the alerts it takes in and queues them for the alert worker, which needs the queues', async () => {
    const { options: built, redis } = await options();
    const batch = {
      groupKey: 'g',
      alerts: [
        {
          status: 'firing' as const,
          labels: { mec_alarm: 'feature_drift', mec_phase: 'M6', severity: 'WARNING' },
          annotations: {},
          startsAt: '2025-10-21T13:00:00.000Z',
          fingerprint: 'f1',
        },
      ],
    };
    await expect(createBot(built).takeAlerts(batch)).rejects.toMatchObject({ code: 'invariant_violated' });
    const queues = createQueues(redis.connect({ maxRetriesPerRequest: null }), redis.prefix);
    try {
      const bot = createBot({ ...built, queues });
      const summary = await bot.takeAlerts(batch);
      expect(summary).toEqual({ received: 1, batch: expect.stringMatching(/^[0-9a-f]{32}$/) });
      // A re-send is the batch already queued.
      expect(await bot.takeAlerts(batch)).toEqual(summary);
      const queued = await queues.alerts.getJobs(['waiting', 'prioritized']);
      expect(queued.map((job) => [job.id, job.data])).toEqual([[`alerts-${summary.batch}`, { batch }]]);
      expect(await bot.stats.registry.getSingleMetricAsString('mec_alarms_total')).toContain(
        'mec_alarms_total{alarm="feature_drift",mec_severity="WARNING",status="firing"} 2',
      );
    } finally {
      await closeQueues(queues);
    }
  });
});
