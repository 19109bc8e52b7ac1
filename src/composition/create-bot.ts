import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { BullEffects } from '../adapters/bullmq/bullmq-effects.js';
import { planRestore } from '../adapters/bullmq/check-jobs.js';
import { crashpointFor, type JobDeps } from '../adapters/bullmq/job-deps.js';
import { QueuedIncidentNotifier, QueuedPublisher } from '../adapters/bullmq/queued-publisher.js';
import type { Queues } from '../adapters/bullmq/queues.js';
import { FileFlagRegistry } from '../adapters/files/file-flag-registry.js';
import { artifactRootOf } from '../adapters/files/workspace-artifacts.js';
import type { AlertmanagerPayload } from '../adapters/http/alertmanager-webhook.js';
import type { DashboardData } from '../adapters/http/dashboard-page.js';
import { HttpTrafficController } from '../adapters/http-traffic/http-traffic-controller.js';
import { BotMetrics } from '../adapters/prometheus/bot-metrics.js';
import { PrometheusMetrics } from '../adapters/prometheus/prometheus-metrics.js';
import { redisAdapters } from '../adapters/redis/redis-adapters.js';
import { RedisIncidents } from '../adapters/redis/redis-incidents.js';
import { RedisMessageRefs } from '../adapters/redis/redis-message-refs.js';
import { RedisSampleMetrics } from '../adapters/redis/redis-sample-metrics.js';
import { registerActions } from '../adapters/slack/listeners/action-listeners.js';
import { registerCommand } from '../adapters/slack/listeners/command-listener.js';
import { registerIncidentActions } from '../adapters/slack/listeners/incident-listeners.js';
import { registerViews } from '../adapters/slack/listeners/view-listeners.js';
import { createSlackApp, type SlackApp, type SlackCredentials } from '../adapters/slack/slack-app.js';
import { webApiDirectory } from '../adapters/slack/slack-directory.js';
import { SlackIncidentPublisher } from '../adapters/slack/slack-incident-publisher.js';
import { webApiMessenger } from '../adapters/slack/slack-messenger.js';
import { SlackRolloutPublisher } from '../adapters/slack/slack-rollout-publisher.js';
import { reviewDigest } from '../adapters/slack/views/review-digest.js';
import { FileTrafficController } from '../app/move-traffic.js';
import type { MetricsSource } from '../app/ports/metrics-source.js';
import type { TrafficController } from '../app/ports/traffic-controller.js';
import { type IncidentNotifier, type ReceiveSummary, receiveAlerts } from '../app/receive-alerts.js';
import { guardRegistry, type RegistryDeps } from '../app/registry-guard.js';
import type { EffectRunner, RolloutContext, RolloutPublisher } from '../app/rollout-context.js';
import { verifyWorkspace } from '../app/verify-workspace.js';
import { weeklyReview } from '../app/weekly-review.js';
import type { MecConfig } from '../config/config-schema.js';
import { toPolicy } from '../config/to-policy.js';
import { errorCodeOf } from '../domain/errors.js';
import { SYSTEM_ACTOR } from '../domain/ledger-entry.js';
import type { Logger } from '../infra/logger.js';

const WEEK_MS = 7 * 86_400_000;

export interface BotOptions {
  config: MecConfig;
  workspace: string;
  redis: Redis;
  /** Prefix of every Redis key. */
  prefix: string;
  /** Without credentials there is no Slack side: transitions are only logged. */
  slack?: SlackCredentials;
  logger: Logger;
  /**
   * With queues, effects become BullMQ jobs and Slack work goes through the notify queue. Without,
   * `effects` carries effects out and Slack is told directly (the Slack surface's own tests).
   */
  queues?: Queues;
  effects?: EffectRunner;
  now?: () => Date;
}

export interface Bot {
  ctx: RolloutContext;
  /** The bot's own Prometheus metrics, for /metrics. */
  stats: BotMetrics;
  incidents: RedisIncidents;
  /** Pages the incident channel (through the incident queue when there is one). */
  notifier: IncidentNotifier;
  /** The incident publisher the incident jobs run. */
  incidentPublisher: SlackIncidentPublisher | undefined;
  /** What the governance dashboard shows, read fresh. */
  dashboard: () => Promise<DashboardData>;
  /** Takes a validated Alertmanager payload (for POST /alerts/alertmanager). */
  receiveAlerts: (payload: AlertmanagerPayload) => Promise<ReceiveSummary>;
  slack: SlackApp | undefined;
  /** The publisher that talks to Slack; the notify jobs run it. */
  slackPublisher: SlackRolloutPublisher | undefined;
  registry: FileFlagRegistry;
  registryDeps: RegistryDeps;
}

/** Builds the bot on the governance core: one function for main.ts and the tests alike. */
export function createBot(options: BotOptions): Bot {
  const { config, workspace, redis, prefix, logger } = options;
  const now = options.now ?? (() => new Date());
  const { store, ledger, rootRecord } = redisAdapters(redis, prefix);
  const artifactRoot = async () => (await artifactRootOf(workspace, config.artifacts.files)).root;
  const alarms = config.alarms.map(({ name, severity }) => ({ name, severity }));
  const refs = new RedisMessageRefs(redis, prefix);
  const registry = new FileFlagRegistry(workspace, config.registry.path);
  const registryDeps: RegistryDeps = { registry, rootRecord, now };

  const slack = options.slack ? createSlackApp(options.slack, logger) : undefined;
  const messenger = slack ? webApiMessenger(slack.app.client) : undefined;
  const slackPublisher = messenger
    ? new SlackRolloutPublisher({
        messenger,
        refs,
        store,
        ledger,
        artifactRoot,
        alarms,
        releaseChannel: config.channels.release,
        now,
        logger,
      })
    : undefined;

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
    planRollback: async (dir) => {
      if (!dir) return { ok: false, detail: 'there is no backup yet: the backup step has not run' };
      const plan = await planRestore({ workspace, config, registry }, dir);
      return plan.ok
        ? { ok: true, detail: `the checksums of ${dir} hold; ${plan.change}` }
        : { ok: false, detail: plan.problems.join('; ') };
    },
    postReview: async () => {
      const to = now();
      const review = weeklyReview(await ledger.read(), new Date(to.getTime() - WEEK_MS), to);
      await slackPublisher?.postToReleaseChannel(reviewDigest(config.phase, review));
      await ledger.append({
        v: 1,
        at: to.toISOString(),
        phase: config.phase,
        rolloutId: null,
        actor: SYSTEM_ACTOR,
        action: 'review',
        outcome: 'recorded',
        reason: 'review_posted',
        before: null,
        after: null,
        detail: {
          warnings: review.warnings.length,
          rollbacks: review.rollbacks.length,
          preventedIncidents: review.preventedIncidents,
        },
      });
      return review;
    },
    guardIntegrity: async () => void (await guardRegistry({ ...registryDeps, store }, config.phase)),
    publisher: publisherFor(options.queues, slackPublisher, refs, logger),
    // Replaced just below when queues are given: the job effects need the context itself.
    effects: options.effects ?? { run: async () => undefined },
    onPublishError: (error) =>
      logger.error(
        { err: error, code: errorCodeOf(error) },
        'telling Slack about a committed transition failed',
      ),
  };
  if (options.queues)
    ctx.effects = new BullEffects(options.queues, () => ctx, config.metrics.evaluationInterval);

  const stats = new BotMetrics(store, config.phase, artifactRoot, now);
  const incidents = new RedisIncidents(redis, prefix);
  const incidentPublisher = messenger
    ? new SlackIncidentPublisher({
        messenger,
        incidents,
        refs,
        channel: config.channels.incident,
        oncallGroup: config.channels.oncallGroup,
      })
    : undefined;
  const notifier: IncidentNotifier =
    incidentPublisher && options.queues
      ? new QueuedIncidentNotifier(options.queues, (key) => refs.markDirty(key))
      : (incidentPublisher ?? {
          page: async () => undefined,
          redraw: async () => undefined,
          followUp: async () => undefined,
        });
  const metrics = metricsSource(options);
  const receive = (payload: AlertmanagerPayload) => {
    for (const alert of payload.alerts)
      stats.alarms.inc({ severity: alert.labels.severity ?? 'unknown', status: alert.status });
    return receiveAlerts({ ctx, alarms: config.alarms, incidents, metrics, notifier }, payload);
  };

  const DASHBOARD_LEDGER_TAIL = 20;
  const dashboard = async (): Promise<DashboardData> => {
    const [{ state, version }, ledgerHead] = await Promise.all([store.load(config.phase), ledger.head()]);
    return {
      phase: config.phase,
      state,
      version,
      artifactRoot: await artifactRoot().catch(() => undefined),
      ledgerTail: await ledger.read(Math.max(1, ledgerHead.seq - DASHBOARD_LEDGER_TAIL + 1)),
      ledgerHead,
      alarms: config.alarms,
      incidents: await incidents.recent(10),
      generatedAt: now(),
    };
  };

  if (slack && slackPublisher && messenger) {
    const deps = { ctx, publisher: slackPublisher, messenger, logger, incidents, notifier };
    registerCommand(slack.app, deps);
    registerActions(slack.app, deps);
    registerViews(slack.app, deps);
    registerIncidentActions(slack.app, deps);
    slack.app.error(async (error) => {
      logger.error({ err: error, code: errorCodeOf(error) }, 'unhandled error in a Slack listener');
    });
  }
  return {
    ctx,
    stats,
    slack,
    slackPublisher,
    registry,
    registryDeps,
    incidents,
    notifier,
    incidentPublisher,
    receiveAlerts: receive,
    dashboard,
  };
}

function publisherFor(
  queues: Queues | undefined,
  slack: SlackRolloutPublisher | undefined,
  refs: RedisMessageRefs,
  logger: Logger,
): RolloutPublisher {
  if (slack && queues) return new QueuedPublisher(queues, (key) => refs.markDirty(key));
  if (slack) return slack;
  return {
    published: async (phase, result) =>
      logger.info(
        { phase, outcome: result.outcome, reason: result.reason },
        'transition (no Slack connection)',
      ),
    postApprovalCard: async () => undefined,
    redraw: async () => undefined,
  };
}

/** What the workers need, around a bot built with queues. */
export function jobDeps(
  bot: Bot,
  options: BotOptions & { queues: Queues; metrics?: MetricsSource; crashpoint?: string },
): JobDeps {
  const { config, workspace, redis, prefix, logger } = options;
  const fileTraffic = new FileTrafficController(bot.registryDeps, config.registry.flag);
  const traffic: TrafficController =
    config.traffic.controller === 'http' && config.traffic.url
      ? new HttpTrafficController(
          fileTraffic,
          config.traffic.url,
          config.registry.flag,
          config.traffic.timeout,
        )
      : fileTraffic;
  const metrics = metricsSource(options);
  return {
    config,
    workspace,
    ctx: bot.ctx,
    redis,
    prefix,
    queues: options.queues,
    registry: bot.registry,
    registryDeps: bot.registryDeps,
    traffic,
    metrics,
    directory: bot.slack ? webApiDirectory(bot.slack.app.client) : undefined,
    incidents: bot.incidents,
    notifier: bot.notifier,
    stats: bot.stats,
    logger,
    crashpoint: crashpointFor(options.crashpoint, logger),
  };
}

/** The configured metrics source: Prometheus's HTTP API, or sample values kept in Redis. */
function metricsSource(
  options: Pick<BotOptions, 'config' | 'redis' | 'prefix'> & { metrics?: MetricsSource },
): MetricsSource {
  const { config } = options;
  if (options.metrics) return options.metrics;
  return config.metrics.source === 'prometheus' && config.metrics.prometheusUrl
    ? new PrometheusMetrics(config.metrics.prometheusUrl, config.metrics.queryTimeout)
    : new RedisSampleMetrics(options.redis, options.prefix);
}
