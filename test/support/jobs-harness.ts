import type { Server } from 'node:http';
import { pino } from 'pino';
import { afterEach, beforeEach, expect } from 'vitest';
import { closeQueues, createQueues, type Queues } from '../../src/adapters/bullmq/queues.js';
import type { Workers } from '../../src/adapters/bullmq/workers.js';
import { ALERTMANAGER_PATH, alertmanagerWebhook } from '../../src/adapters/http/alertmanager-webhook.js';
import { dashboardHtml } from '../../src/adapters/http/dashboard-page.js';
import { startHttpServer } from '../../src/adapters/http/http-server.js';
import { redisAdapters } from '../../src/adapters/redis/redis-adapters.js';
import { RedisSampleMetrics } from '../../src/adapters/redis/redis-sample-metrics.js';
import { ACTION } from '../../src/adapters/slack/ids.js';
import { EVENTS_PATH } from '../../src/adapters/slack/slack-app.js';
import type { MetricsSource } from '../../src/app/ports/metrics-source.js';
import { verifyWorkspace } from '../../src/app/verify-workspace.js';
import { type Bot, type BotOptions, createBot } from '../../src/composition/create-bot.js';
import { openRedis } from '../../src/composition/open-redis.js';
import type { MecConfig } from '../../src/config/config-schema.js';
import { readConfig } from '../../src/config/load-settings.js';
import { secretValues } from '../../src/config/secret-values.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { COMMAND_CONNECTION } from '../../src/infra/command-connection.js';
import { logRedisOutages, logRepeatedErrors, type OutageLogger } from '../../src/infra/log-redis-outages.js';
import type { Logger } from '../../src/infra/logger.js';
import { type RecordedCall, SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { actedOn, postAlert } from './alertmanager.js';
import { testLedgerKey } from './ledger-key.js';
import type { TestRedis } from './redis.js';
import { approvalCardPost, button, where } from './slack-find.js';
import { PEOPLE } from './slack-harness.js';
import { buttonClick, commandFields, postForm, SIGNING_SECRET } from './slack-requests.js';
import { copyExampleWorkspace } from './workspace.js';

/**
 * The example config with every duration in milliseconds, so a whole rollout runs in seconds. A watch
 * may run up to ten times its duration longer: on a loaded machine 100 ms evaluations come late, and a
 * watch short of coverage then makes up what it missed instead of failing blind.
 */
export function compressed(config: MecConfig, overrides: Partial<MecConfig> = {}): MecConfig {
  return {
    ...config,
    smoke: { duration: 400 },
    plan: {
      autoAdvance: true,
      steps: config.plan.steps.map((step) => ('soak' in step ? { soak: 300 } : step)),
    },
    metrics: {
      ...config.metrics,
      evaluationInterval: 100,
      breachesToTrip: 2,
      errorsToGate: 3,
      maxExtension: 10,
    },
    jobs: { notifyInterval: 0, lockDuration: 2_000, pageDeadline: 2_000, outboxInterval: 100 },
    ...overrides,
  };
}

export const ALERT_TOKEN = 'test-alert-token-0123456789';

export interface JobsHarness {
  /** The Redis key prefix of this bot's keys. */
  prefix: string;
  /** POST /alerts/alertmanager on this bot, expecting ALERT_TOKEN. */
  webhookUrl: string;
  /**
   * Posts an Alertmanager payload to the webhook and waits until the alert worker has acted on it; the
   * webhook's answer, which must be 200.
   */
  alert(body: unknown): Promise<Record<string, unknown>>;
  metricsUrl: string;
  dashboardUrl: string;
  bot: Bot;
  config: MecConfig;
  workspace: string;
  queues: Queues;
  workers: Workers | undefined;
  samples: RedisSampleMetrics;
  adapters: ReturnType<typeof redisAdapters>;
  command(userId: string, text: string): Promise<RecordedCall>;
  click(
    userId: string,
    actionId: string,
    value: string,
    message: { channel: string; ts: string },
  ): Promise<RecordedCall>;
  state(): Promise<RolloutState | null>;
  /** Polls the stored rollout until `predicate` holds. */
  waitForState(predicate: (state: RolloutState) => boolean, timeoutMs?: number): Promise<RolloutState>;
  reasons(): Promise<string[]>;
  close(): Promise<void>;
  /**
   * Stops as a process that dies does: nothing under way is waited for (a use case hung at a crash point
   * stays hung), and the jobs in flight are left for another worker once their lock lapses.
   */
  kill(): Promise<void>;
}

let responses = 0;

/**
 * The bot as main.ts builds it with queues, and (unless `workers: false`) workers in the same process,
 * with Slack played by the stand-in and every duration compressed.
 */
export async function startJobsHarness(
  standIn: SlackApiStandIn,
  redis: TestRedis,
  options: {
    configure?: (config: MecConfig) => MecConfig;
    workers?: boolean;
    workspace?: string;
    redisUrl?: string;
    /** Where the bot's Redis connections report outages, as main.ts wires them; warnings only by default. */
    connectionLog?: OutageLogger;
    /** Where alarm values come from, instead of the samples in Redis. */
    metrics?: MetricsSource;
    /** Without the outbox's dispatcher (false), pending work is delivered by nothing but `apply`. */
    dispatcher?: boolean;
    /** The crash test's stopping point, as MEC_CRASHPOINT arms it. */
    crashpoint?: string;
    /** Where the bot's Web API client calls (e.g. a front that refuses connections); the stand-in's by default. */
    slackApiUrl?: string;
    /** How long one Web API call may take, in milliseconds (the bot's default is 10 s). */
    slackTimeoutMs?: number;
    /** The bot's logger; silent by default. */
    logger?: Logger;
    /** PagerDuty beyond Slack, as MEC_PAGERDUTY_ROUTING_KEY turns it on (a stand-in's URL and key). */
    pager?: BotOptions['pager'];
  } = {},
): Promise<JobsHarness> {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const config = (options.configure ?? compressed)(loaded.config);
  const workspace = options.workspace ?? (await copyExampleWorkspace());
  // The command connection as main.ts opens it.
  const command = options.redisUrl
    ? openRedis(options.redisUrl, COMMAND_CONNECTION)
    : redis.connect(COMMAND_CONNECTION);
  const jobs = options.redisUrl
    ? openRedis(options.redisUrl, { maxRetriesPerRequest: null })
    : redis.connect({ maxRetriesPerRequest: null });
  const connectionLog = options.connectionLog ?? pino({ level: 'warn' });
  logRedisOutages(command, connectionLog, 'commands');
  logRedisOutages(jobs, connectionLog, 'jobs');
  const queues = createQueues(jobs, redis.prefix);
  for (const queue of Object.values(queues))
    logRepeatedErrors(queue, connectionLog, { queue: queue.name }, 'queue error');
  const botOptions = {
    config,
    workspace,
    redis: command,
    prefix: redis.prefix,
    logger: options.logger ?? pino({ level: 'silent' }),
    queues,
    slack: {
      botToken: 'xoxb-test-token',
      signingSecret: SIGNING_SECRET,
      apiUrl: options.slackApiUrl ?? standIn.apiUrl,
      ...(options.slackTimeoutMs ? { callTimeoutMs: options.slackTimeoutMs } : {}),
    },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.crashpoint ? { crashpoint: options.crashpoint } : {}),
    ...(options.pager ? { pager: options.pager } : {}),
    // As main.ts passes it: the test process's environment, which a test may have stubbed.
    commandEnv: { parent: { ...process.env }, secrets: secretValues(process.env) },
    ledgerKey: testLedgerKey(),
  };
  const bot = createBot(botOptions);
  const anchoring = bot.startAnchoring();
  const workers = options.workers === false ? undefined : bot.startWorkers(jobs);
  const dispatcher = options.dispatcher === false ? undefined : bot.startDispatcher();
  const listener = bot.slack?.requestListener;
  if (!listener) throw new Error('expected the HTTP receiver');
  const server: Server = await startHttpServer(
    0,
    {
      [`POST ${EVENTS_PATH}`]: listener,
      [`POST ${ALERTMANAGER_PATH}`]: alertmanagerWebhook(ALERT_TOKEN, bot.takeAlerts),
      'GET /dashboard': async (_request, response) => {
        response
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(dashboardHtml(await bot.dashboard()));
      },
      'GET /metrics': async (_request, response) => {
        response
          .writeHead(200, { 'content-type': bot.stats.registry.contentType })
          .end(await bot.stats.registry.metrics());
      },
    },
    '127.0.0.1',
  );
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const url = `${base}${EVENTS_PATH}`;
  const adapters = redisAdapters(command, redis.prefix);
  const answer = (id: string) =>
    standIn.waitFor((call) => call.method === 'response_url' && call.args.id === id, 15_000);
  let killed = false;
  const harness: JobsHarness = {
    prefix: redis.prefix,
    webhookUrl: `${base}${ALERTMANAGER_PATH}`,
    async alert(body) {
      const answer = await postAlert(`${base}${ALERTMANAGER_PATH}`, body, ALERT_TOKEN);
      if (answer.status !== 200)
        throw new Error(`the webhook answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      await actedOn(queues.alerts, answer.body.batch);
      return answer.body;
    },
    metricsUrl: `${base}/metrics`,
    dashboardUrl: `${base}/dashboard`,
    bot,
    config,
    workspace,
    queues,
    workers,
    samples: new RedisSampleMetrics(command, redis.prefix),
    adapters,
    async command(userId, text) {
      const id = `job-r${++responses}`;
      await postForm(url, commandFields(text, userId, standIn.responseUrl(id)));
      return answer(id);
    },
    async click(userId, actionId, value, message) {
      const id = `job-r${++responses}`;
      await postForm(url, buttonClick(userId, actionId, value, message, standIn.responseUrl(id)));
      return answer(id);
    },
    state: async () => (await adapters.store.load(config.phase)).state,
    waitForState: (predicate, timeoutMs) => waitForState(adapters, config.phase, predicate, timeoutMs),
    reasons: async () => (await adapters.ledger.read()).map((entry) => entry.body.reason),
    async kill() {
      killed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      void dispatcher?.close();
      void anchoring?.close();
      await workers?.close(true);
      await closeQueues(queues);
      // As a dead process's would: its own connections go (a test's shared ones close after the test).
      if (options.redisUrl) {
        command.disconnect();
        jobs.disconnect();
      }
    },
    async close() {
      if (killed) return;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher?.close();
      await anchoring?.close();
      await workers?.close();
      await bot.rollbacks.close();
      await closeQueues(queues);
      if (options.redisUrl) {
        command.disconnect();
        jobs.disconnect();
      }
    },
  };
  return harness;
}

/** Start, let the check jobs run, record the joint go and all four approvals. */
/** What driving a rollout through Slack needs: the in-process harness, or a bot process over HTTP. */
export type Driver = Pick<JobsHarness, 'command' | 'click' | 'waitForState'>;

export async function toReady(target: Driver, slack: SlackApiStandIn) {
  expect(String((await target.command(PEOPLE.releaseManager, 'start')).args.text)).toContain(
    'rollout started',
  );
  await target.waitForState((state) => state.checks.smoke.status === 'passed');
  await target.command(PEOPLE.governance, 'go');
  await target.command(PEOPLE.sre, 'go');
  const card = await approvalCardPost(slack);
  for (const [name, user] of [
    ['Governance Lead', PEOPLE.governance],
    ['SRE On-Call', PEOPLE.sre],
    ['Security Officer', PEOPLE.security],
    ['Product Owner', PEOPLE.product],
  ] as const) {
    await target.click(user, ACTION.approve, button(card, ACTION.approve, name), where(card));
  }
  return target.waitForState((state) => Object.keys(state.approvals).length === 4);
}

/** Waits until the rollout is complete and its phase certified in the ledger; the rollout as it ended. */
export async function waitCertified(harness: JobsHarness, timeoutMs = 60_000): Promise<RolloutState> {
  const done = await harness.waitForState((state) => state.status === 'complete', timeoutMs);
  await expect
    .poll(async () => (await harness.reasons()).includes('phase_certified'), { timeout: 15_000 })
    .toBe(true);
  return done;
}

/** How many ledger entries have each reason, read once. */
export async function reasonCounts(
  harness: Pick<JobsHarness, 'reasons'>,
): Promise<(reason: string) => number> {
  const reasons = await harness.reasons();
  return (reason) => reasons.filter((candidate) => candidate === reason).length;
}

/** Checkpoints the ledger to its end, and expects every check of verify to hold. */
export async function expectVerified(harness: JobsHarness): Promise<void> {
  await harness.bot.ctx.anchor?.anchor();
  const verified = await verifyWorkspace(harness.bot.ctx);
  expect(verified.checks.filter((check) => !check.ok)).toEqual([]);
}

/** Polls the stored rollout until `predicate` holds. */
async function waitForState(
  adapters: ReturnType<typeof redisAdapters>,
  phase: string,
  predicate: (state: RolloutState) => boolean,
  timeoutMs = 20_000,
): Promise<RolloutState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { state } = await adapters.store.load(phase);
    if (state && predicate(state)) return state;
    if (Date.now() > deadline) {
      const seen = state && {
        checks: state.checks,
        traffic: state.trafficPct,
        status: state.status,
        soak: state.soak,
        gates: state.gates,
        rollback: state.rollback,
      };
      throw new Error(`the rollout never reached the expected state; last: ${JSON.stringify(seen)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Drives a bot process through its /slack/events with signed requests, reading state from Redis. */
export function processDriver(
  eventsUrl: string,
  standIn: SlackApiStandIn,
  adapters: ReturnType<typeof redisAdapters>,
): Driver {
  const answer = (id: string) =>
    standIn.waitFor((call) => call.method === 'response_url' && call.args.id === id, 15_000);
  return {
    async command(userId, text) {
      const id = `proc-r${++responses}`;
      await postForm(eventsUrl, commandFields(text, userId, standIn.responseUrl(id)));
      return answer(id);
    },
    async click(userId, actionId, value, message) {
      const id = `proc-r${++responses}`;
      await postForm(eventsUrl, buttonClick(userId, actionId, value, message, standIn.responseUrl(id)));
      return answer(id);
    },
    waitForState: (predicate, timeoutMs) => waitForState(adapters, 'M6', predicate, timeoutMs),
  };
}

/** Compressed, but each soak held for a minute and no autoAdvance: a test acts while traffic sits at one step. */
export function holdingSoaks(config: MecConfig): MecConfig {
  const fast = compressed(config);
  return {
    ...fast,
    plan: {
      autoAdvance: false,
      steps: fast.plan.steps.map((step) => ('soak' in step ? { soak: 60_000 } : step)),
    },
  };
}

/**
 * A jobs harness and a Slack stand-in for each test of a file, started before and stopped after it. The
 * returned function gives the current test's pair.
 */
export function useJobsHarness(
  testRedis: () => TestRedis,
  configure: (config: MecConfig) => MecConfig = holdingSoaks,
): () => { harness: JobsHarness; standIn: SlackApiStandIn; prefix: string } {
  let current: { harness: JobsHarness; standIn: SlackApiStandIn; prefix: string } | undefined;
  beforeEach(async () => {
    const standIn = new SlackApiStandIn();
    await standIn.start();
    const redis = testRedis();
    current = {
      standIn,
      prefix: redis.prefix,
      harness: await startJobsHarness(standIn, redis, { configure }),
    };
  });
  afterEach(async () => {
    await current?.harness.close();
    await current?.standIn.stop();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('useJobsHarness: no test is running');
    return current;
  };
}

/**
 * A Slack stand-in for each test of a file, and a jobs harness that each test starts itself with the
 * config it needs (compressed unless told otherwise); both are stopped after the test.
 */
export function useHarnessPerTest(testRedis: () => TestRedis) {
  let standIn: SlackApiStandIn | undefined;
  let harness: JobsHarness | undefined;
  beforeEach(async () => {
    standIn = new SlackApiStandIn();
    await standIn.start();
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    await standIn?.stop();
    standIn = undefined;
  });
  const current = () => {
    if (!standIn) throw new Error('useHarnessPerTest: no test is running');
    return standIn;
  };
  return {
    /** The current test's stand-in. */
    standIn: current,
    async start(configure?: (config: MecConfig) => MecConfig): Promise<JobsHarness> {
      harness = await startJobsHarness(current(), testRedis(), configure ? { configure } : {});
      return harness;
    },
  };
}
