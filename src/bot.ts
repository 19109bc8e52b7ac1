import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { FileFlagRegistry } from './adapters/files/file-flag-registry.js';
import { artifactRootOf } from './adapters/files/workspace-artifacts.js';
import { redisAdapters } from './adapters/redis/redis-adapters.js';
import { RedisMessageRefs } from './adapters/redis/redis-message-refs.js';
import { guardRegistry } from './app/registry-guard.js';
import type { EffectRunner, RolloutContext } from './app/rollout-context.js';
import { verifyWorkspace } from './app/verify-workspace.js';
import type { MecConfig } from './config/config-schema.js';
import { toPolicy } from './config/to-policy.js';
import type { Logger } from './infra/logger.js';
import { registerActions } from './slack/listeners/action-listeners.js';
import { registerCommand } from './slack/listeners/command-listener.js';
import { registerViews } from './slack/listeners/view-listeners.js';
import { createSlackApp, type SlackApp, type SlackCredentials } from './slack/slack-app.js';
import { webApiMessenger } from './slack/slack-messenger.js';
import { SlackRolloutPublisher } from './slack/slack-rollout-publisher.js';

export interface BotOptions {
  config: MecConfig;
  workspace: string;
  redis: Redis;
  /** Prefix of every Redis key. */
  prefix: string;
  slack: SlackCredentials;
  logger: Logger;
  /** Carries out checks, traffic moves, soaks and rollbacks. */
  effects: EffectRunner;
  now?: () => Date;
}

export interface Bot {
  slack: SlackApp;
  ctx: RolloutContext;
  publisher: SlackRolloutPublisher;
}

/** Builds the Slack-facing bot on the governance core: one function, for main.ts and the tests alike. */
export function createBot(options: BotOptions): Bot {
  const { config, workspace, redis, prefix, logger } = options;
  const now = options.now ?? (() => new Date());
  const { store, ledger, rootRecord } = redisAdapters(redis, prefix);
  const artifactRoot = async () => (await artifactRootOf(workspace, config.artifacts.files)).root;
  const alarms = config.alarms.map(({ name, severity }) => ({ name, severity }));
  const slack = createSlackApp(options.slack, logger);
  const messenger = webApiMessenger(slack.app.client);
  const publisher = new SlackRolloutPublisher({
    messenger,
    refs: new RedisMessageRefs(redis, prefix),
    store,
    ledger,
    artifactRoot,
    alarms,
    releaseChannel: config.channels.release,
    now,
    logger,
  });
  const registry = new FileFlagRegistry(workspace, config.registry.path);
  const ctx: RolloutContext = {
    phase: config.phase,
    policy: toPolicy(config),
    alarms,
    store,
    ledger,
    now,
    newRolloutId: () =>
      `${config.phase}-${now().toISOString().slice(0, 19).replaceAll(/[-:]/g, '')}Z-${randomBytes(2).toString('hex')}`,
    artifactRoot,
    verify: () =>
      verifyWorkspace({
        workspace,
        phase: config.phase,
        artifactFiles: config.artifacts.files,
        registryPath: config.registry.path,
        ledger,
        store,
        rootRecord,
      }),
    guardIntegrity: async () =>
      void (await guardRegistry({ registry, rootRecord, store, now }, config.phase)),
    publisher,
    effects: options.effects,
  };
  const deps = { ctx, publisher, messenger, logger };
  registerCommand(slack.app, deps);
  registerActions(slack.app, deps);
  registerViews(slack.app, deps);
  slack.app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return { slack, ctx, publisher };
}
