import { cp, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { FileFlagRegistry } from './adapters/files/file-flag-registry.js';
import { redisAdapters } from './adapters/redis/redis-adapters.js';
import { LoggedEffects } from './app/logged-effects.js';
import { guardRegistry } from './app/registry-guard.js';
import { type Bot, createBot } from './bot.js';
import { EXAMPLE_WORKSPACE, loadSettings, SANDBOX_DIR } from './config/load-settings.js';
import { healthRoutes } from './http/health-routes.js';
import { type Routes, startHttpServer } from './http/http-server.js';
import { type LocalRedis, startLocalRedis } from './infra/local-redis-server.js';
import { createLogger } from './infra/logger.js';
import { redactUrl } from './infra/redact-url.js';
import { EVENTS_PATH } from './slack/slack-app.js';

// main.ts owns the lifecycle: it alone reads process.env, builds everything, and closes it in order.
const result = await loadSettings(process.env);
if (!result.ok) {
  console.error(
    `mec-bot did not start. Fix these settings (environment, or the file named by MEC_CONFIG):\n${result.problems
      .map((problem) => `  - ${problem}`)
      .join('\n')}`,
  );
  process.exit(1);
}
const { env, config, workspace, configPath, sandboxWorkspace } = result.settings;
const logger = createLogger(env.LOG_LEVEL);

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
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
const adapters = redisAdapters(redis, env.MEC_REDIS_PREFIX);

const registry = new FileFlagRegistry(workspace, config.registry.path);
const registryCheck = await guardRegistry({ registry, ...adapters, now: () => new Date() }, config.phase);
if (registryCheck.status === 'tampered') {
  logger.warn(
    registryCheck,
    'the feature registry was edited by hand: the CRITICAL gate registry_tampered is open',
  );
} else {
  logger.info(
    { status: registryCheck.status, ...('root' in registryCheck ? { root: registryCheck.root } : {}) },
    'feature registry checked',
  );
}

const routes: Routes = healthRoutes({
  ready: async () => {
    const pong = await redis.ping().catch((error: Error) => error.message);
    return { ok: pong === 'PONG', detail: { redis: pong === 'PONG' ? 'ok' : pong } };
  },
});

let bot: Bot | undefined;
if (env.SLACK_BOT_TOKEN) {
  bot = createBot({
    config,
    workspace,
    redis,
    prefix: env.MEC_REDIS_PREFIX,
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      ...(env.SLACK_SIGNING_SECRET ? { signingSecret: env.SLACK_SIGNING_SECRET } : {}),
      ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
      ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
    },
    logger,
    effects: new LoggedEffects(logger),
  });
  const listener = bot.slack.requestListener;
  if (listener) routes[`POST ${EVENTS_PATH}`] = listener;
} else {
  logger.info('no Slack credentials: the Slack surface is off');
}

const server: Server = await startHttpServer(env.PORT, routes);
await bot?.slack.start();
logger.info(
  {
    port: env.PORT,
    phase: config.phase,
    config: configPath,
    workspace,
    role: env.MEC_ROLE,
    slack: bot ? (env.SLACK_APP_TOKEN ? 'socket mode' : `HTTP ${EVENTS_PATH}`) : 'off',
    redisUrl: redactUrl(redisUrl),
  },
  `mec-bot is up: http://localhost:${env.PORT}/healthz`,
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // Bolt first, so no new request starts; then the HTTP server, then Redis.
  await bot?.slack.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await redis.quit().catch(() => redis.disconnect());
  await localRedis?.stop();
  logger.info('stopped');
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
