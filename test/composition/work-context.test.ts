import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HttpTrafficController } from '../../src/adapters/http-traffic/http-traffic-controller.js';
import { ExecCommandRunner } from '../../src/adapters/process/exec-command-runner.js';
import type { BotMetrics } from '../../src/adapters/prometheus/bot-metrics.js';
import { RedisTrafficLock } from '../../src/adapters/redis/redis-lock.js';
import type { SlackApp } from '../../src/adapters/slack/slack-app.js';
import { workContext } from '../../src/composition/work-context.js';
import type { MecConfig } from '../../src/config/config-schema.js';
import { readConfig } from '../../src/config/load-settings.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { useTestRedis } from '../support/redis.js';
import { useCaseWorld } from '../support/use-case-world.js';
import { webClientOn } from '../support/web-client.js';

const testRedis = useTestRedis();

async function built(change: (config: MecConfig) => MecConfig = (config) => config, slack?: SlackApp) {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const config = change(loaded.config);
  const { prefix, connect } = testRedis();
  const world = useCaseWorld();
  const options = { config, workspace: '/tmp', redis: connect(), prefix, logger: pino({ level: 'silent' }) };
  const parts = {
    metrics: world.metrics,
    incidents: world.incidents,
    notifier: world.notifier,
    stats: world.ctx.observe as BotMetrics,
    slack,
    crashpoint: undefined,
  };
  return { work: workContext(options, world.ctx, parts), config, world };
}

describe('workContext', () => {
  it('adds what the background work needs to the rollout context, on the configured settings', async () => {
    const { work, config, world } = await built();
    expect(work.settings).toBe(config);
    expect(work.store).toBe(world.ctx.store);
    expect(work.lock).toBeInstanceOf(RedisTrafficLock);
    expect(work.commands).toBeInstanceOf(ExecCommandRunner);
    expect([work.metrics, work.incidents, work.notifier]).toEqual([
      world.metrics,
      world.incidents,
      world.notifier,
    ]);
  });

  it('tells no external flag system with the file controller, and the configured URL with http', async () => {
    expect((await built()).work.traffic).toBeUndefined();
    const fileWithUrl = await built((config) => ({
      ...config,
      traffic: { controller: 'file', url: 'http://flags.internal/weights', timeout: 2_000 },
    }));
    expect(fileWithUrl.work.traffic).toBeUndefined();
    const { work } = await built((config) => ({
      ...config,
      traffic: { controller: 'http', url: 'http://flags.internal/weights', timeout: 2_000 },
    }));
    expect(work.traffic).toBeInstanceOf(HttpTrafficController);
  });

  it('checks contacts through Slack only when there is a Slack connection', async () => {
    expect((await built()).work.directory).toBeUndefined();
    const standIn = new SlackApiStandIn();
    await standIn.start();
    try {
      const slack = { app: { client: webClientOn(standIn) } } as unknown as SlackApp;
      const { work } = await built((config) => config, slack);
      expect(await work.directory?.userStatus('U0PRIYANAT')).toBe('active');
      expect(standIn.callsOf('users.info')).toHaveLength(1);
    } finally {
      await standIn.stop();
    }
  });
});
