import { cp, readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { closeQueues, createQueues, scheduleWeeklyReview } from './adapters/bullmq/queues.js';
import type { Workers } from './adapters/bullmq/workers.js';
import { ALERTMANAGER_PATH, alertmanagerWebhook } from './adapters/http/alertmanager-webhook.js';
import { healthRoutes } from './adapters/http/health-routes.js';
import { type Routes, startHttpServer, stopHttpServer } from './adapters/http/http-server.js';
import { readRedisSettings } from './adapters/redis/redis-settings.js';
import { EVENTS_PATH } from './adapters/slack/slack-app.js';
import { observeTraffic } from './app/observe-traffic.js';
import { guardRegistry } from './app/registry-guard.js';
import { type Bot, createBot } from './composition/create-bot.js';
import { openRedis } from './composition/open-redis.js';
import { loadLedgerKey } from './config/ledger-key.js';
import { EXAMPLE_WORKSPACE, loadSettings, SANDBOX_DIR } from './config/load-settings.js';
import { secretValues } from './config/secret-values.js';
import { COMMAND_CONNECTION } from './infra/command-connection.js';
import { type LocalRedis, startLocalRedis } from './infra/local-redis-server.js';
import { logRedisOutages, logRepeatedErrors } from './infra/log-redis-outages.js';
import { createLogger } from './infra/logger.js';
import { redactUrl } from './infra/redact-url.js';

// main.ts owns the lifecycle: it alone reads process.env, builds everything, and closes it in order.
// Run from the TypeScript source (npm start) the sandbox may be the default; the built bot never.
const result = await loadSettings(
  process.env,
  process.cwd(),
  import.meta.url.endsWith('.ts') ? 'source' : 'built',
);
if (!result.ok) {
  console.error(
    `mec-bot did not start. Fix these settings (environment, or the file named by MEC_CONFIG):\n${result.problems
      .map((problem) => `  - ${problem}`)
      .join('\n')}`,
  );
  process.exit(1);
}
const { env, config, workspace, configPath, sandboxWorkspace, sandbox: sandboxMode } = result.settings;
const logger = createLogger(env.LOG_LEVEL);
const ledgerKey = await loadLedgerKey(env.MEC_LEDGER_KEY, config.ledger, {
  cwd: process.cwd(),
  sandbox: sandboxMode,
});
if (!ledgerKey.ok) {
  console.error(`mec-bot did not start. Fix this setting:\n  - ${ledgerKey.problem}`);
  process.exit(1);
}
const web = env.MEC_ROLE !== 'worker';
const worker = env.MEC_ROLE !== 'web';

if (sandboxWorkspace && !(await stat(workspace).catch(() => undefined))) {
  // The sandbox works on its own copy, so the committed example is never changed by a demo.
  await cp(EXAMPLE_WORKSPACE, workspace, { recursive: true });
  logger.info({ workspace }, 'no MEC_WORKSPACE: copied the example workspace for the sandbox');
}

let localRedis: LocalRedis | undefined;
if (!env.REDIS_URL) {
  // The sandbox: a Redis of our own whose append-only file keeps state across restarts.
  localRedis = await startLocalRedis({ dir: join(process.cwd(), SANDBOX_DIR, 'redis'), appendOnly: true });
  logger.info({ redisUrl: localRedis.url }, 'no REDIS_URL: started a local redis-server for the sandbox');
}
const redisUrl = env.REDIS_URL ?? (localRedis as LocalRedis).url;
const redis = openRedis(redisUrl, COMMAND_CONNECTION);
// Outside the sandbox the bot must be able to trust what Redis kept: one that forgets on a restart
// forgets which traffic the bot moved.
if (env.SLACK_BOT_TOKEN) {
  const settings = await readRedisSettings(redis).catch((error: Error) => {
    console.error(`mec-bot did not start: ${error.message}.`);
    process.exit(1);
  });
  for (const warning of settings.warnings) logger.warn({ redisUrl: redactUrl(redisUrl) }, warning);
  if (settings.persists === false && env.MEC_ALLOW_VOLATILE_REDIS !== '1') {
    console.error(
      `mec-bot did not start: the Redis at ${redactUrl(redisUrl)} keeps nothing on disk (${settings.detail}), so a restart would forget every rollout and which traffic the bot moved. Turn on an append-only file (appendonly yes) or RDB snapshots (save "3600 1 300 100"), or set MEC_ALLOW_VOLATILE_REDIS=1 to run on it anyway.`,
    );
    process.exit(1);
  }
}
// BullMQ's workers block on their connection, which must retry forever rather than fail a command.
const jobsRedis = openRedis(redisUrl, { maxRetriesPerRequest: null });
// A Redis that restarts is an expected outage: logged once per connection, not once per retry.
logRedisOutages(redis, logger, 'commands');
logRedisOutages(jobsRedis, logger, 'jobs');
const queues = createQueues(jobsRedis, env.MEC_REDIS_PREFIX);
for (const queue of Object.values(queues))
  logRepeatedErrors(queue, logger, { queue: queue.name }, 'queue error');
await scheduleWeeklyReview(queues, config.phase, config.review.cron, config.review.timezone);

// In the sandbox the web process plays Slack itself: a Slack look-alike page on the admin listener.
// It keeps its Slack history in the sandbox's own directory, and injects alarms through the webhook.
// Loaded only here: a deployed bot never runs the sandbox, and need not hold its modules in memory.
const sandbox =
  sandboxMode && web
    ? new (await import('./sandbox/sandbox.js')).Sandbox(config, {
        dir: join(process.cwd(), SANDBOX_DIR),
        ...(env.MEC_ALERT_TOKEN ? { alertToken: env.MEC_ALERT_TOKEN } : {}),
        onSaveFailed: (error) => logger.warn({ err: error }, 'the sandbox could not save its Slack history'),
      })
    : undefined;
const slack = env.SLACK_BOT_TOKEN
  ? {
      botToken: env.SLACK_BOT_TOKEN,
      ...(env.SLACK_SIGNING_SECRET ? { signingSecret: env.SLACK_SIGNING_SECRET } : {}),
      ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
      ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
    }
  : await sandbox?.start();
const botOptions = {
  config,
  workspace,
  redis,
  redisUrl,
  prefix: env.MEC_REDIS_PREFIX,
  logger,
  queues,
  ...(slack ? { slack } : {}),
  // Pre-flight commands pick what their config names from this copy; their output loses every secret.
  commandEnv: { parent: { ...process.env }, secrets: secretValues(process.env) },
  ...(env.MEC_CRASHPOINT ? { crashpoint: env.MEC_CRASHPOINT } : {}),
  ...(env.MEC_PAGERDUTY_ROUTING_KEY
    ? {
        pager: {
          routingKey: env.MEC_PAGERDUTY_ROUTING_KEY,
          ...(env.MEC_PAGERDUTY_URL ? { url: env.MEC_PAGERDUTY_URL } : {}),
        },
      }
    : {}),
  ledgerKey: ledgerKey.privateKey,
  build: { version: await packageVersion(), role: env.MEC_ROLE },
};
const bot: Bot = createBot(botOptions);

const check = await guardRegistry(bot.ctx, config.phase).then(
  () => 'checked',
  (error: Error) => error.message,
);
logger.info({ registry: check }, 'feature registry checked; a hand edit opens the registry_tampered gate');
const observed = await observeTraffic(bot.ctx).then(
  (result) => result?.reason ?? 'unreadable',
  (error: Error) => error.message,
);
logger.info(
  { traffic: observed },
  'served weight checked against the record; a loss opens the state_lost gate',
);

let workers: Workers | undefined;
if (worker) {
  workers = bot.startWorkers(jobsRedis, env.MEC_CRASHPOINT);
}

// Work that committed transitions did not hand to the queues (a process died, Redis refused it) is
// delivered now, and then on a timer, by web and worker processes alike.
const dispatcher = bot.startDispatcher();
// Every ledger entry, whichever process wrote it, is mirrored and covered by a signed checkpoint.
const anchoring = bot.startAnchoring();

const routes: Routes = healthRoutes({
  ready: async () => {
    const pong = await redis.ping().catch((error: Error) => error.message);
    const detail: Record<string, string> = { redis: pong === 'PONG' ? 'ok' : pong };
    if (workers) detail.workers = workers.running() ? 'running' : 'not running';
    // Slack being down is reported, but keeps the process ready: a load balancer that took it out of
    // rotation would cut Alertmanager's webhook off, and with it the automatic rollback.
    const slackStatus = web ? bot.slack?.status() : undefined;
    if (slackStatus) detail.slack = slackStatus.detail;
    return { ok: pong === 'PONG' && (workers?.running() ?? true), detail };
  },
});
const listener = web ? bot.slack?.requestListener : undefined;
if (listener) routes[`POST ${EVENTS_PATH}`] = listener;
if (web)
  routes[`POST ${ALERTMANAGER_PATH}`] = alertmanagerWebhook(
    env.MEC_ALERT_TOKEN ?? sandbox?.alertToken,
    bot.takeAlerts,
  );
// Pages that show people, rollout state and the ledger, or let anyone act as anyone, are served on
// their own listener, bound to loopback unless MEC_ADMIN_HOST says otherwise; the public port 404s them.
const adminRoutes: Routes = {};
if (sandbox) Object.assign(adminRoutes, sandbox.routes(`http://127.0.0.1:${env.PORT}${EVENTS_PATH}`));
adminRoutes['GET /dashboard'] = async (_request, response) => {
  // Loaded on the first visit: an idle bot need not hold the page's renderer.
  const { dashboardHtml } = await import('./adapters/http/dashboard-page.js');
  response
    .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    .end(dashboardHtml(await bot.dashboard()));
};
adminRoutes['GET /metrics'] = async (_request, response) => {
  response
    .writeHead(200, { 'content-type': bot.stats.registry.contentType })
    .end(await bot.stats.registry.metrics());
};

const server = await startHttpServer(env.PORT, routes, undefined, { logger });
const adminServer = await startHttpServer(env.MEC_ADMIN_PORT, adminRoutes, env.MEC_ADMIN_HOST, { logger });
const adminUrl = `http://${env.MEC_ADMIN_HOST.includes(':') ? `[${env.MEC_ADMIN_HOST}]` : env.MEC_ADMIN_HOST}:${(adminServer.address() as AddressInfo).port}`;
// In the background: a Slack that is down or rate-limits at start is retried, and nothing waits for it.
if (web) bot.slack?.start();
logger.info(
  {
    port: env.PORT,
    adminUrl,
    phase: config.phase,
    config: configPath,
    workspace,
    role: env.MEC_ROLE,
    slack:
      !web || !bot.slack
        ? 'off'
        : sandbox
          ? 'sandbox'
          : env.SLACK_APP_TOKEN
            ? 'socket mode'
            : `HTTP ${EVENTS_PATH}`,
    workers: workers ? 'running' : 'off',
    redisUrl: redactUrl(redisUrl),
  },
  sandbox
    ? `mec-bot sandbox is up: open ${adminUrl}/sandbox`
    : `mec-bot is up: http://localhost:${env.PORT}/healthz, admin pages on ${adminUrl}`,
);

/** How long a request still in flight at shutdown may take before its connection is closed. */
const SHUTDOWN_GRACE_MS = 5_000;

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // Bolt first, so no new request starts; then the HTTP server; then the outbox's dispatcher; then the
  // workers, which finish the jobs in flight; then the rollbacks their alert jobs started here; then
  // the queues and Redis.
  if (web) await bot.slack?.stop();
  await Promise.all([server, adminServer].map((open) => stopHttpServer(open, SHUTDOWN_GRACE_MS)));
  await dispatcher.close();
  await anchoring?.close();
  await workers?.close();
  // A rollback an alert job started here finishes before the connections it writes through close.
  await bot.rollbacks.close();
  await closeQueues(queues);
  await Promise.all(
    [redis, jobsRedis].map((connection) => connection.quit().catch(() => connection.disconnect())),
  );
  await sandbox?.stop();
  await localRedis?.stop();
  logger.info('stopped');
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    setTimeout(() => {
      logger.error(
        { signal, timeoutMs: env.MEC_SHUTDOWN_TIMEOUT_MS },
        'shutdown did not finish in time (is Redis reachable?); exiting',
      );
      process.exit(1);
    }, env.MEC_SHUTDOWN_TIMEOUT_MS).unref();
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

/**
 * The bot's version, for `mec_build_info`: package.json is one level above this file both in src/ (run
 * by tsx) and in dist/ (the bundle), and the image ships it beside dist/.
 */
async function packageVersion(): Promise<string> {
  const text = await readFile(new URL('../package.json', import.meta.url), 'utf8').catch(() => '{}');
  const { version } = JSON.parse(text) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}
