import { FileReleaseFiles } from '../adapters/files/file-release-files.js';
import { redisAdapters } from '../adapters/redis/redis-adapters.js';
import type { RedisMessageRefs } from '../adapters/redis/redis-message-refs.js';
import { RedisPostPacer } from '../adapters/redis/redis-post-pacer.js';
import { registerActions } from '../adapters/slack/listeners/action-listeners.js';
import { registerCommand } from '../adapters/slack/listeners/command-listener.js';
import { registerIncidentActions } from '../adapters/slack/listeners/incident-listeners.js';
import { registerViews } from '../adapters/slack/listeners/view-listeners.js';
import type { SlackApp } from '../adapters/slack/slack-app.js';
import { SlackIncidentPublisher } from '../adapters/slack/slack-incident-publisher.js';
import { type SlackMessenger, webApiMessenger } from '../adapters/slack/slack-messenger.js';
import { SlackRolloutPublisher } from '../adapters/slack/slack-rollout-publisher.js';
import type { IncidentNotifier } from '../app/ports/incident-notifier.js';
import type { IncidentStore } from '../app/ports/incident-store.js';
import type { LedgerCheckpoints } from '../app/ports/ledger-checkpoints.js';
import type { RolloutContext } from '../app/rollout-context.js';
import { errorCodeOf } from '../domain/errors.js';
import type { Logger } from '../infra/logger.js';
import { loggedActions } from './log-events.js';
import { rolloutActions } from './rollout-actions.js';
import type { ContextOptions } from './rollout-context.js';

/** The publishers that talk to Slack: what the notify jobs run, or what is told directly without queues. */
export interface SlackSide {
  messenger: SlackMessenger;
  rollouts: SlackRolloutPublisher;
  incidents: SlackIncidentPublisher;
}

/** `checkpoints` are the rollout context's, which is built after this side (it needs its publisher). */
export function slackSide(
  options: ContextOptions & { now: () => Date },
  slack: SlackApp,
  refs: RedisMessageRefs,
  incidents: IncidentStore,
  noticePosted: (id: string, notice: { channel: string; ts: string }) => Promise<unknown>,
  checkpoints: LedgerCheckpoints,
): SlackSide {
  const { config, workspace, redis, prefix, logger, now } = options;
  const messenger = webApiMessenger(
    slack.app.client,
    new RedisPostPacer(redis, prefix, config.jobs.notifyInterval),
    logger,
  );
  const { store, ledger } = redisAdapters(redis, prefix);
  const files = new FileReleaseFiles(workspace, config.artifacts.files);
  const rollouts = new SlackRolloutPublisher({
    messenger,
    refs,
    store,
    ledger,
    checkpoints,
    artifactRoot: async () => (await files.artifactRoot()).root,
    alarms: config.alarms,
    releaseChannel: config.channels.release,
    now,
    logger,
  });
  const incidentPublisher = new SlackIncidentPublisher({
    messenger,
    incidents,
    noticePosted,
    refs,
    channel: config.channels.incident,
    oncallGroup: config.channels.oncallGroup,
  });
  return { messenger, rollouts, incidents: incidentPublisher };
}

/** Registers every listener on the Bolt app, each calling the use cases bound to `ctx`. */
export function registerSlack(
  slack: SlackApp,
  side: SlackSide,
  ctx: RolloutContext,
  rest: { incidents: IncidentStore; notifier: IncidentNotifier; logger: Logger },
): void {
  const deps = {
    actions: loggedActions(rolloutActions(ctx, rest.incidents, rest.notifier), rest.logger),
    ctx,
    publisher: side.rollouts,
    messenger: side.messenger,
    afterAcks: slack.afterAcks,
    ...rest,
  };
  registerCommand(slack.app, deps);
  registerActions(slack.app, deps);
  registerViews(slack.app, deps);
  registerIncidentActions(slack.app, deps);
  slack.app.error(async (error) => {
    rest.logger.error({ err: error, code: errorCodeOf(error) }, 'unhandled error in a Slack listener');
  });
}
