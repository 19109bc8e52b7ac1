import type { Server } from 'node:http';
import { pino } from 'pino';
import { expect } from 'vitest';
import { startHttpServer } from '../../src/adapters/http/http-server.js';
import { redisAdapters } from '../../src/adapters/redis/redis-adapters.js';
import { EVENTS_PATH } from '../../src/adapters/slack/slack-app.js';
import type { EffectRunner } from '../../src/app/ports/effect-runner.js';
import { apply } from '../../src/app/rollout-context.js';
import { type Bot, createBot } from '../../src/composition/create-bot.js';
import type { MecConfig } from '../../src/config/config-schema.js';
import { readConfig } from '../../src/config/load-settings.js';
import type { Effect } from '../../src/domain/effect.js';
import { CHECKS } from '../../src/domain/rollout-state.js';
import type { RecordedCall, SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { testLedgerKey } from './ledger-key.js';
import type { TestRedis } from './redis.js';
import {
  buttonClick,
  commandFields,
  eventCallback,
  postForm,
  postJson,
  SIGNING_SECRET,
  viewSubmission,
} from './slack-requests.js';
import { copyExampleWorkspace } from './workspace.js';

/** The example config's release channel. */
export const RELEASE_CHANNEL = 'C0RELEASE01';

/** The example config's people, by what they do. */
export const PEOPLE = {
  governance: 'U0AVERYCHEN',
  sre: 'U0PRIYANAT',
  sreBackup: 'U0SREBACKUP',
  security: 'U0MALIKORT',
  product: 'U0ELENAMOR',
  releaseManager: 'U0RELEASEMGR',
  outsider: 'U0OUTSIDER1',
} as const;

/** Records the effects the bot asks for, in place of the job workers. */
export class RecordingEffects implements EffectRunner {
  readonly effects: Effect[] = [];
  async run(_phase: string, _state: unknown, effects: readonly Effect[]): Promise<void> {
    this.effects.push(...effects);
  }
}

export interface SlackHarness {
  url: string;
  bot: Bot;
  effects: RecordingEffects;
  config: MecConfig;
  workspace: string;
  adapters: ReturnType<typeof redisAdapters>;
  command(userId: string, text: string): Promise<{ status: number; body: string; responseId: string }>;
  /** A command, and the ephemeral answer it gets once the work after the ack is done. */
  commandAndWait(userId: string, text: string): Promise<RecordedCall>;
  click(
    userId: string,
    actionId: string,
    value: string,
    message: { channel: string; ts: string },
  ): Promise<{ status: number; responseId: string }>;
  /** A click, and the ephemeral answer it gets once the work after the ack is done. */
  clickAndWait(
    userId: string,
    actionId: string,
    value: string,
    message: { channel: string; ts: string },
  ): Promise<RecordedCall>;
  submitView(
    userId: string,
    callbackId: string,
    privateMetadata: string,
    values: Record<string, Record<string, { value: string }>>,
  ): Promise<{ status: number; body: string }>;
  event(event: Record<string, unknown>): Promise<{ status: number }>;
  /** The replies that reached response_url for one request. */
  responses(responseId: string): Promise<RecordedCall>;
  close(): Promise<void>;
}

let requests = 0;

/**
 * The real bot (createBot, Bolt's HTTP receiver) on an HTTP server, its Web API client pointed at the
 * stand-in, its state in the test's Redis prefix, and a private copy of the example workspace.
 */
export async function startSlackHarness(
  standIn: SlackApiStandIn,
  redis: TestRedis,
  options: { configure?: (config: MecConfig) => MecConfig; now?: () => Date; workspace?: string } = {},
): Promise<SlackHarness> {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const config = options.configure ? options.configure(loaded.config) : loaded.config;
  const workspace = options.workspace ?? (await copyExampleWorkspace());
  const effects = new RecordingEffects();
  const connection = redis.connect();
  const bot = createBot({
    config,
    workspace,
    redis: connection,
    redisUrl: redis.url,
    prefix: redis.prefix,
    slack: { botToken: 'xoxb-test-token', signingSecret: SIGNING_SECRET, apiUrl: standIn.apiUrl },
    logger: pino({ level: 'silent' }),
    effects,
    ...(options.now ? { now: options.now } : {}),
    ledgerKey: testLedgerKey(),
  });
  const listener = bot.slack?.requestListener;
  if (!listener) throw new Error('expected the HTTP receiver');
  const server: Server = await startHttpServer(0, { [`POST ${EVENTS_PATH}`]: listener }, '127.0.0.1');
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${EVENTS_PATH}`;
  const nextResponseId = () => `r${++requests}`;
  const responses = (responseId: string) =>
    standIn.waitFor((call) => call.method === 'response_url' && call.args.id === responseId);
  return {
    url,
    bot,
    effects,
    config,
    workspace,
    adapters: redisAdapters(connection, redis.prefix),
    async command(userId, text) {
      const responseId = nextResponseId();
      const reply = await postForm(url, commandFields(text, userId, standIn.responseUrl(responseId)));
      return { ...reply, responseId };
    },
    async click(userId, actionId, value, message) {
      const responseId = nextResponseId();
      const reply = await postForm(
        url,
        buttonClick(userId, actionId, value, message, standIn.responseUrl(responseId)),
      );
      return { status: reply.status, responseId };
    },
    async commandAndWait(userId, text) {
      const responseId = nextResponseId();
      await postForm(url, commandFields(text, userId, standIn.responseUrl(responseId)));
      return responses(responseId);
    },
    async clickAndWait(userId, actionId, value, message) {
      const responseId = nextResponseId();
      await postForm(url, buttonClick(userId, actionId, value, message, standIn.responseUrl(responseId)));
      return responses(responseId);
    },
    submitView: (userId, callbackId, privateMetadata, values) =>
      postForm(url, viewSubmission(userId, callbackId, privateMetadata, values)),
    event: (event) => postJson(url, eventCallback(event)),
    responses: (responseId) =>
      standIn.waitFor((call) => call.method === 'response_url' && call.args.id === responseId),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Every message and view that reached Slack stays within Block Kit's limits and has fallback text. */
export function expectWithinSlackLimits(calls: readonly RecordedCall[]): void {
  for (const call of calls) {
    const { args } = call;
    const blocks = (args.blocks ?? (args.view as { blocks?: unknown[] } | undefined)?.blocks) as
      | Array<Record<string, unknown>>
      | undefined;
    if (!blocks) continue;
    expect(blocks.length, `${call.method} block count`).toBeLessThanOrEqual(50);
    for (const block of blocks) {
      if (block.type === 'section') {
        expect(
          ((block.text as { text: string }).text ?? '').length,
          `${call.method} section length`,
        ).toBeLessThanOrEqual(3_000);
      }
    }
    if (call.method.startsWith('chat.') || call.method === 'response_url') {
      expect(typeof args.text === 'string' && args.text.length > 0, `${call.method} fallback text`).toBe(
        true,
      );
    }
  }
}

/** Reports each check as passed, as the check jobs would, echoing each run id. */
export async function passChecks(target: SlackHarness): Promise<void> {
  for (const check of CHECKS) {
    const { state } = await target.adapters.store.load('M6');
    const runId = state?.checks[check].runId ?? '';
    const result = await apply(target.bot.ctx, {
      type: 'check_finished',
      check,
      runId,
      passed: true,
      summary: `${check} ok`,
    });
    expect(result.outcome).toBe('applied');
  }
}
