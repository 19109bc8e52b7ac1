import type { Redis } from 'ioredis';
import { BullAlertQueue } from '../adapters/bullmq/bull-alert-queue.js';
import { BullPageQueue } from '../adapters/bullmq/bull-page-queue.js';
import { BullEffects } from '../adapters/bullmq/bullmq-effects.js';
import type { PagerRetry } from '../adapters/bullmq/pager-jobs.js';
import { QueuedIncidentNotifier, QueuedPublisher } from '../adapters/bullmq/queued-publisher.js';
import { QUEUE_NAMES, type Queues } from '../adapters/bullmq/queues.js';
import { startWorkers, type Workers } from '../adapters/bullmq/workers.js';
import { PagerDutyEvents, type PagerDutyOptions } from '../adapters/pagerduty/pagerduty-events.js';
import type { CommandEnvironment } from '../adapters/process/exec-command-runner.js';
import { BotMetrics, type BuildFacts } from '../adapters/prometheus/bot-metrics.js';
import { PrometheusMetrics } from '../adapters/prometheus/prometheus-metrics.js';
import { RedisIncidentStore } from '../adapters/redis/redis-incident-store.js';
import { RedisMessageRefs } from '../adapters/redis/redis-message-refs.js';
import { RedisRequestClaims } from '../adapters/redis/redis-request-claims.js';
import { RedisSampleMetrics } from '../adapters/redis/redis-sample-metrics.js';
import { RedisWatchSamples } from '../adapters/redis/redis-watch-samples.js';
import { createSlackApp, type SlackApp, type SlackCredentials } from '../adapters/slack/slack-app.js';
import { type InProcessRollbacks, inProcessRollbacks } from '../app/in-process-rollbacks.js';
import { pagingNotifier, sendPage } from '../app/page-responders.js';
import type { AlertBatch } from '../app/ports/alert-batch.js';
import type { DashboardData } from '../app/ports/dashboard-data.js';
import type { EffectRunner } from '../app/ports/effect-runner.js';
import type { IncidentNotifier } from '../app/ports/incident-notifier.js';
import type { IncidentStore } from '../app/ports/incident-store.js';
import type { MetricsSource } from '../app/ports/metrics-source.js';
import { readDashboard } from '../app/read-dashboard.js';
import { type TakeSummary, takeAlerts } from '../app/take-alerts.js';
import { transitionIncident } from '../app/transition-incident.js';
import { errorCodeOf, MecError } from '../domain/errors.js';
import type { PageAction } from '../domain/page-action.js';
import { backgroundWork } from './background-work.js';
import { startLedgerAnchoring } from './ledger-anchoring.js';
import { logAlertsTaken } from './log-events.js';
import { type OutboxDispatcher, startOutboxDispatcher } from './outbox-dispatcher.js';
import {
  type AnchoredContext,
  type ContextOptions,
  loggingPublisher,
  rolloutContext,
} from './rollout-context.js';
import { registerSlack, slackSide } from './slack-side.js';
import type { TimerLoop } from './timer-loop.js';
import { workContext } from './work-context.js';

export interface BotOptions extends ContextOptions {
  /** Without credentials there is no Slack side: transitions are only logged. */
  slack?: SlackCredentials;
  /**
   * With queues, effects become BullMQ jobs and Slack work goes through the notify queue. Without,
   * `effects` carries effects out and Slack is told directly (the Slack surface's own tests).
   */
  queues?: Queues;
  effects?: EffectRunner;
  /** Where alarm values come from, instead of the configured source (tests). */
  metrics?: MetricsSource;
  /**
   * The environment pre-flight commands pick their variables from, and the secrets their output is
   * scrubbed of. Without, a command gets no environment at all (not even PATH).
   */
  commandEnv?: CommandEnvironment;
  /** What `mec_build_info` says of this process; the version is `unknown` and the role `all` without. */
  build?: BuildFacts;
  /**
   * Pages BLOCKER and CRITICAL incidents in PagerDuty too (MEC_PAGERDUTY_ROUTING_KEY), through the
   * pager queue: off without, or without queues. `retry` is how long the queue waits for PagerDuty.
   */
  pager?: PagerDutyOptions & { retry?: PagerRetry };
}

export interface Bot {
  ctx: AnchoredContext;
  /** The bot's own Prometheus metrics, for /metrics. */
  stats: BotMetrics;
  incidents: IncidentStore;
  /** What the governance dashboard shows, read fresh. */
  dashboard: () => Promise<DashboardData>;
  /**
   * Takes a validated Alertmanager payload in (for POST /alerts/alertmanager): it is queued for the
   * alert worker, which acts on it. Needs the queues.
   */
  takeAlerts: (batch: AlertBatch) => Promise<TakeSummary>;
  /** The rollbacks this process started on an alert; `close` waits for the ones under way. */
  rollbacks: Pick<InProcessRollbacks, 'close'>;
  slack: SlackApp | undefined;
  /** Starts the job workers on `connection`; `crashpoint` arms a crash test's stopping point. */
  startWorkers: (connection: Redis, crashpoint?: string) => Workers;
  /** Delivers the outbox now and then every `jobs.outboxInterval`; every process runs one. */
  startDispatcher: () => OutboxDispatcher;
  /**
   * Mirrors and checkpoints the ledger now, then whenever it grows; undefined without the ledger key.
   * Every process that holds the key runs one.
   */
  startAnchoring: () => TimerLoop | undefined;
}

/** Builds the bot on the governance core: one function for main.ts and the tests alike. */
export function createBot(options: BotOptions): Bot {
  const { config, redis, prefix, logger, queues } = options;
  const refs = new RedisMessageRefs(redis, prefix);
  const incidents = new RedisIncidentStore(redis, prefix, config.incidents.retention);
  const watchLog = new RedisWatchSamples(redis, prefix);
  const claims = new RedisRequestClaims(redis, prefix);
  const slack = options.slack ? createSlackApp(options.slack, logger, { claims }) : undefined;
  const now = options.now ?? (() => new Date());
  const effects: EffectRunner =
    options.effects ??
    (queues
      ? new BullEffects(queues, now, config.metrics.evaluationInterval, config.jobs.countdownInterval)
      : { run: async () => undefined });
  const noticePosted = (id: string, notice: { channel: string; ts: string }) =>
    transitionIncident({ ctx, incidents }, id, { type: 'notice_posted', ...notice });
  // Read through ctx, built below: the context needs the publisher this side makes.
  const checkpoints = { latest: (seq?: number) => ctx.checkpoints.latest(seq) };
  const side = slack
    ? slackSide({ ...options, now }, slack, refs, incidents, noticePosted, checkpoints)
    : undefined;
  const publisher =
    side && queues ? new QueuedPublisher(queues, refs) : (side?.rollouts ?? loggingPublisher(logger));
  // Made before the context, which times its commits with it; the gauges read the context's store and
  // files only when scraped, after both exist.
  const stats = new BotMetrics({
    store: { load: (phase) => ctx.store.load(phase) },
    phase: config.phase,
    alarms: config.alarms,
    queues: Object.values(QUEUE_NAMES),
    artifactRoot: async () => (await ctx.files.artifactRoot()).root,
    now,
    build: options.build ?? { version: 'unknown', role: 'all' },
  });
  const ctx: AnchoredContext = { ...rolloutContext({ ...options, now }, publisher, effects), observe: stats };
  const notifier: IncidentNotifier =
    side && queues
      ? new QueuedIncidentNotifier(queues, refs)
      : (side?.incidents ?? {
          page: async () => undefined,
          redraw: async () => undefined,
          followUp: async () => undefined,
        });
  // Pages beyond Slack follow the incident from the worker's incident jobs, once Slack has it: a
  // failure there retries the job, and each redraw job (coalesced) follows once, not each fold.
  const pages =
    options.pager && queues ? new BullPageQueue(queues.pager, config.incidents.retention) : undefined;
  const metrics =
    options.metrics ??
    (config.metrics.source === 'prometheus' && config.metrics.prometheusUrl
      ? new PrometheusMetrics(config.metrics.prometheusUrl, config.metrics.queryTimeout)
      : new RedisSampleMetrics(redis, prefix));
  if (slack && side) registerSlack(slack, side, ctx, { incidents, notifier, logger });
  const rollbacks = inProcessRollbacks(
    workContext({ ...options, now }, ctx, {
      metrics,
      incidents,
      notifier,
      stats,
      slack,
      crashpoint: undefined,
    }),
    (error, rollback) =>
      logger.warn(
        { ...rollback, code: errorCodeOf(error), err: error.message },
        'the rollback started here failed; its job retries it',
      ),
  );
  // Made on the first batch, and kept: it remembers the batches it queued.
  let alertQueue: BullAlertQueue | undefined;
  return {
    ctx,
    stats,
    slack,
    incidents,
    dashboard: () => readDashboard({ ...ctx, alarms: config.alarms, incidents, watchLog }),
    takeAlerts: async (batch) => {
      for (const alert of batch.alerts) stats.alertTaken(alert);
      alertQueue ??= new BullAlertQueue(requireQueues(queues).alerts);
      try {
        const taken = await takeAlerts(
          { queue: alertQueue, alarms: config.alarms, phase: config.phase },
          batch,
        );
        logAlertsTaken(logger, batch, taken);
        return taken;
      } catch (error) {
        logAlertsTaken(logger, batch, { code: errorCodeOf(error) });
        throw error;
      }
    },
    rollbacks,
    startDispatcher: () => startOutboxDispatcher(ctx, config.jobs.outboxInterval, logger),
    startAnchoring: () => (ctx.anchor ? startLedgerAnchoring(ctx.anchor, ctx.ledger, logger) : undefined),
    startWorkers: (connection, crashpoint) => {
      const work = workContext({ ...options, now }, ctx, {
        metrics,
        incidents,
        notifier,
        stats,
        slack,
        crashpoint,
      });
      const deps = {
        work: backgroundWork(work, rollbacks),
        queues: requireQueues(queues),
        prefix,
        jobs: config.jobs,
        metrics: stats,
        logger,
      };
      const { pager } = options;
      const pagerDuty = pager && new PagerDutyEvents(pager);
      const paging = pagerDuty && {
        send: (id: string, action: PageAction) => sendPage({ incidents, pager: pagerDuty }, id, action),
        ...(pager.retry ? { retry: pager.retry } : {}),
      };
      const incidentDeliveries =
        side?.incidents && pages ? pagingNotifier(side.incidents, { incidents, pages }) : side?.incidents;
      return startWorkers(deps, connection, side?.rollouts, incidentDeliveries, paging);
    },
  };
}

function requireQueues(queues: Queues | undefined): Queues {
  if (!queues)
    throw new MecError('invariant_violated', 'job workers need the queues: build the bot with them');
  return queues;
}
