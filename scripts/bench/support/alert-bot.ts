import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPrefix, QUEUE_NAMES } from '../../../src/adapters/bullmq/queues.js';
import { redisAdapters } from '../../../src/adapters/redis/redis-adapters.js';
import { redisKeys } from '../../../src/adapters/redis/redis-keys.js';
import { ACTION } from '../../../src/adapters/slack/ids.js';
import type { LedgerEntry } from '../../../src/domain/ledger-entry.js';
import type { RolloutState } from '../../../src/domain/rollout-state.js';
import { type LocalRedis, startLocalRedis } from '../../../src/infra/local-redis-server.js';
import { type RecordedCall, SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { childPort } from '../../../test/support/child-port.js';
import { compressedConfigFile } from '../../../test/support/processes.js';
import { approvalCardPost, button, latestDrawing, where } from '../../../test/support/slack-find.js';
import { PEOPLE } from '../../../test/support/slack-harness.js';
import {
  buttonClick,
  commandFields,
  postForm,
  SIGNING_SECRET,
} from '../../../test/support/slack-requests.js';
import { copyExampleWorkspace } from '../../../test/support/workspace.js';
import { type BenchProcess, BOT_ENV, startProcess } from './bot-process.js';

export const BENCH_ALERT_TOKEN = 'bench-alert-token-0123456789abcdef';
const PHASE = 'M6';

const APPROVERS = [
  ['Governance Lead', PEOPLE.governance],
  ['SRE On-Call', PEOPLE.sre],
  ['Security Officer', PEOPLE.security],
  ['Product Owner', PEOPLE.product],
] as const;

/** A built bot on a Redis and a Slack stand-in of its own, with a copied workspace, driven over HTTP. */
export interface AlertBot {
  /** The process that serves the webhook and Slack: the whole bot, or its web role when split. */
  bot: BenchProcess;
  /** With `split`, the job workers' own process (`MEC_ROLE=worker`). */
  worker: BenchProcess | undefined;
  /** The web process's admin listener: /metrics. */
  adminUrl: string;
  /** The worker process's admin listener, when split. */
  workerAdminUrl: string | undefined;
  standIn: SlackApiStandIn;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  workspace: string;
  webhookUrl: string;
  ledgerKey: string;
  state(): Promise<RolloutState | null>;
  waitForState(predicate: (state: RolloutState) => boolean, timeoutMs?: number): Promise<RolloutState>;
  ledger(fromSeq?: number): Promise<LedgerEntry[]>;
  /** Waits until the alert worker has acted on every batch the webhook queued. */
  alertsActed(timeoutMs?: number): Promise<void>;
  /** Drives the rollout to traffic at 5%: the first time through start, smoke, go and approvals; after a rollback, approvals again. */
  toRamp(): Promise<void>;
  stop(): Promise<void>;
}

let responses = 0;

/**
 * `split`: the web role (`MEC_ROLE=web`: Slack, the webhook) and the job workers (`MEC_ROLE=worker`)
 * as two processes on the same Redis and workspace, as the deployment runs them; `nodeArgs` go to the
 * web process. Without it one process (`MEC_ROLE` unset: both roles). `script`: another build's
 * main.js instead of dist/main.js (to compare builds in one run).
 */
export async function startAlertBot(
  options: { nodeArgs?: string[]; env?: Record<string, string>; split?: boolean; script?: string } = {},
) {
  const redisServer = await startLocalRedis();
  const standIn = new SlackApiStandIn();
  try {
    await standIn.start();
    return await startAlertBotOn(redisServer, standIn, options);
  } catch (error) {
    // A bot that did not start leaves no Redis or stand-in behind to hold the run open.
    await standIn.stop().catch(() => undefined);
    await redisServer.stop();
    throw error;
  }
}

async function startAlertBotOn(
  redisServer: LocalRedis,
  standIn: SlackApiStandIn,
  options: { nodeArgs?: string[]; env?: Record<string, string>; split?: boolean; script?: string },
) {
  const prefix = 'bench:';
  const workspace = await copyExampleWorkspace();
  // Soaks of a minute: traffic stays at 5% while a trial runs, and no ramp moves on by itself.
  const config = await compressedConfigFile((doc) => {
    const steps = doc.getIn(['plan', 'steps']) as {
      items: Array<{ has(key: string): boolean; set(key: string, value: string): void }>;
    };
    for (const step of steps.items) if (step.has('soak')) step.set('soak', '60s');
  });
  const adminPort = await childPort();
  const env = {
    ...BOT_ENV,
    MEC_CONFIG: config,
    MEC_WORKSPACE: workspace,
    REDIS_URL: redisServer.url,
    MEC_REDIS_PREFIX: prefix,
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: standIn.apiUrl,
    MEC_ALERT_TOKEN: BENCH_ALERT_TOKEN,
    ...options.env,
  };
  const workerAdminPort = options.split ? await childPort() : undefined;
  const worker = workerAdminPort
    ? await startProcess({
        ...(options.script ? { script: options.script } : {}),
        env: { ...env, MEC_ROLE: 'worker', MEC_ADMIN_PORT: String(workerAdminPort) },
      })
    : undefined;
  const bot = await startProcess({
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    ...(options.script ? { script: options.script } : {}),
    // A port of our own: at LOG_LEVEL warn the "up" line that names a random one is not printed.
    env: { ...env, ...(options.split ? { MEC_ROLE: 'web' } : {}), MEC_ADMIN_PORT: String(adminPort) },
  }).catch(async (error: unknown) => {
    // A web process that did not start must not leave its worker running.
    await worker?.stop();
    throw error;
  });
  const redis = new Redis(redisServer.url);
  const adapters = redisAdapters(redis, prefix);
  const alerts = new Queue(QUEUE_NAMES.alerts, { connection: redis, prefix: bullPrefix(prefix) });
  const eventsUrl = `${bot.url}/slack/events`;
  const answer = (id: string) =>
    standIn.waitFor((call) => call.method === 'response_url' && call.args.id === id, 15_000);
  const command = async (user: string, text: string) => {
    const id = `bench-r${++responses}`;
    await postForm(eventsUrl, commandFields(text, user, standIn.responseUrl(id)));
    return answer(id);
  };
  const click = async (user: string, value: string, card: RecordedCall) => {
    const id = `bench-r${++responses}`;
    await postForm(eventsUrl, buttonClick(user, ACTION.approve, value, where(card), standIn.responseUrl(id)));
    return answer(id);
  };
  const waitForState = async (predicate: (state: RolloutState) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { state } = await adapters.store.load(PHASE);
      if (state && predicate(state)) return state;
      if (Date.now() > deadline)
        throw new Error(`the rollout never reached the expected state; last: ${JSON.stringify(state)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  let rounds = 0;
  let card: RecordedCall | undefined;
  const approve = async (nonce: number) => {
    if (!card) throw new Error('no approval card');
    const posted = card;
    const deadline = Date.now() + 30_000;
    // The card is redrawn with a new nonce once the rollback voided the approvals.
    const nonceOf = (drawn: RecordedCall) => {
      try {
        return (JSON.parse(button(drawn, ACTION.approve, 'Governance Lead')) as { n?: number }).n;
      } catch {
        return undefined; // still drawn with every role approved: no approve button yet
      }
    };
    let drawn = latestDrawing(standIn, posted);
    while (nonceOf(drawn) !== nonce) {
      if (Date.now() > deadline) throw new Error(`the approval card was never redrawn with nonce ${nonce}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      drawn = latestDrawing(standIn, posted);
    }
    for (const [name, user] of APPROVERS) await click(user, button(drawn, ACTION.approve, name), posted);
    await waitForState((state) => Object.keys(state.approvals).length === APPROVERS.length && !state.lock);
  };
  return {
    bot,
    worker,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    workerAdminUrl: workerAdminPort ? `http://127.0.0.1:${workerAdminPort}` : undefined,
    standIn,
    redis,
    redisUrl: redisServer.url,
    prefix,
    workspace,
    webhookUrl: `${bot.url}/alerts/alertmanager`,
    ledgerKey: redisKeys(prefix).ledgerEntries,
    state: async () => (await adapters.store.load(PHASE)).state,
    waitForState,
    ledger: (fromSeq = 1) => adapters.ledger.read(fromSeq),
    async alertsActed(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await alerts.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
        if (Object.values(counts).every((count) => count === 0)) return;
        if (Date.now() > deadline)
          throw new Error(`the alert worker did not finish: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async toRamp() {
      if (rounds === 0) {
        await command(PEOPLE.releaseManager, 'start');
        await waitForState((state) => state.checks.smoke.status === 'passed');
        await command(PEOPLE.governance, 'go');
        await command(PEOPLE.sre, 'go');
        card = await approvalCardPost(standIn);
        await approve(0);
      } else await approve(rounds);
      rounds += 1;
      const reply = await command(PEOPLE.releaseManager, 'ramp 5');
      if (!String(reply.args.text).includes('accepted'))
        throw new Error(`ramp 5 was not accepted: ${String(reply.args.text)}`);
      await waitForState((state) => state.trafficPct === 5 && state.soak?.status === 'running');
    },
    async stop() {
      await bot.stop();
      await worker?.stop();
      await alerts.close();
      redis.disconnect();
      await standIn.stop();
      await redisServer.stop();
    },
  } satisfies AlertBot;
}

/** meta_prod as the registry file holds it now, or undefined while it cannot be read whole. */
export async function servedMode(workspace: string): Promise<string | undefined> {
  const text = await readFile(join(workspace, 'meta/meta_flags.json'), 'utf8').catch(() => '');
  try {
    const flags = JSON.parse(text) as { meta_prod?: { mode?: string; weightPct?: number } };
    return flags.meta_prod ? `${flags.meta_prod.mode}:${flags.meta_prod.weightPct ?? ''}` : undefined;
  } catch {
    return undefined;
  }
}
