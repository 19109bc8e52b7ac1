import { crashpointFor } from '../adapters/bullmq/job-deps.js';
import { HttpTrafficController } from '../adapters/http-traffic/http-traffic-controller.js';
import { type CommandEnvironment, ExecCommandRunner } from '../adapters/process/exec-command-runner.js';
import type { BotMetrics } from '../adapters/prometheus/bot-metrics.js';
import { RedisTrafficLock } from '../adapters/redis/redis-lock.js';
import { RedisWatchSamples } from '../adapters/redis/redis-watch-samples.js';
import type { SlackApp } from '../adapters/slack/slack-app.js';
import { webApiDirectory } from '../adapters/slack/slack-directory.js';
import type { IncidentNotifier } from '../app/ports/incident-notifier.js';
import type { IncidentStore } from '../app/ports/incident-store.js';
import type { MetricsSource } from '../app/ports/metrics-source.js';
import type { RolloutContext } from '../app/rollout-context.js';
import type { WorkContext } from '../app/work-context.js';
import type { ContextOptions } from './rollout-context.js';

/** The rollout context, with what the background work needs beyond it. */
export function workContext(
  options: ContextOptions & { commandEnv?: CommandEnvironment | undefined },
  ctx: RolloutContext,
  parts: {
    metrics: MetricsSource;
    incidents: IncidentStore;
    notifier: IncidentNotifier;
    stats: BotMetrics;
    slack: SlackApp | undefined;
    crashpoint: string | undefined;
  },
): WorkContext {
  const { config, workspace, redis, prefix, logger } = options;
  const { traffic } = config;
  return {
    ...ctx,
    settings: config,
    traffic:
      traffic.controller === 'http' && traffic.url
        ? new HttpTrafficController(traffic.url, config.registry.flag, traffic.timeout)
        : undefined,
    metrics: parts.metrics,
    watchLog: new RedisWatchSamples(redis, prefix),
    lock: new RedisTrafficLock(redis, prefix),
    commands: new ExecCommandRunner(workspace, options.commandEnv ?? { parent: {}, secrets: [] }),
    directory: parts.slack ? webApiDirectory(parts.slack.app.client) : undefined,
    incidents: parts.incidents,
    notifier: parts.notifier,
    observe: parts.stats,
    crashpoint: crashpointFor(parts.crashpoint ?? options.crashpoint, logger),
  };
}
