import { once } from 'node:events';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { createSlackApp } from '../../../src/adapters/slack/slack-app.js';
import { createBot } from '../../../src/composition/create-bot.js';
import { readConfig } from '../../../src/config/load-settings.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { useTestRedis } from '../../support/redis.js';
import {
  expectWithinSlackLimits,
  PEOPLE,
  RecordingEffects,
  type SlackHarness,
  startSlackHarness,
} from '../../support/slack-harness.js';
import { commandFields, postForm } from '../../support/slack-requests.js';
import { copyExampleWorkspace } from '../../support/workspace.js';

const testRedis = useTestRedis();
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A local stand-in for Slack's Socket Mode endpoint: it greets each client, then sends envelopes. */
async function socketModeStandIn() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const address = server.address();
  const url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/link`;
  const connected = new Promise<WebSocket>((resolve) => {
    server.on('connection', (socket) => {
      socket.send(
        JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0MECBOT' } }),
      );
      resolve(socket);
    });
  });
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url, connected };
}

/** Sends one envelope and resolves with the client's acknowledgement of it. */
function sendEnvelope(
  socket: WebSocket,
  envelopeId: string,
  type: string,
  payload: unknown,
): Promise<{ envelope_id: string; payload?: { text?: string } }> {
  return new Promise((resolve) => {
    const onMessage = (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as { envelope_id?: string };
      if (message.envelope_id !== envelopeId) return;
      socket.off('message', onMessage);
      resolve(message as { envelope_id: string });
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }));
  });
}

describe('Socket Mode', () => {
  it('connects through apps.connections.open, acknowledges each envelope, and answers commands', async () => {
    const standIn = new SlackApiStandIn();
    await standIn.start();
    cleanups.push(() => standIn.stop());
    const ws = await socketModeStandIn();
    standIn.socketModeUrl = ws.url;
    const loaded = await readConfig('examples/m6/mec.config.yml');
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const redis = testRedis();
    const bot = createBot({
      config: loaded.config,
      workspace: await copyExampleWorkspace(),
      redis: redis.connect(),
      prefix: redis.prefix,
      slack: { botToken: 'xoxb-test-token', appToken: 'xapp-test-token', apiUrl: standIn.apiUrl },
      logger: pino({ level: 'silent' }),
      effects: new RecordingEffects(),
    });
    const slack = bot.slack;
    if (!slack) throw new Error('expected a Slack side');
    expect(slack.requestListener).toBeUndefined();
    await slack.start();
    cleanups.push(() => slack.stop());
    const socket = await ws.connected;
    expect(standIn.callsOf('apps.connections.open')).toHaveLength(1);

    const bad = await sendEnvelope(
      socket,
      'env-1',
      'slash_commands',
      commandFields('ramp 33', PEOPLE.releaseManager, standIn.responseUrl('sm-1')),
    );
    expect(bad.payload?.text).toContain('33% is not a step of the plan');

    const good = await sendEnvelope(
      socket,
      'env-2',
      'slash_commands',
      commandFields('start', PEOPLE.releaseManager, standIn.responseUrl('sm-2')),
    );
    expect(good.envelope_id).toBe('env-2');
    const reply = await standIn.waitFor((call) => call.method === 'response_url' && call.args.id === 'sm-2');
    expect(String(reply.args.text)).toContain('rollout started');
    await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === 'C0RELEASE01',
    );
  });
});

describe('the Bolt HTTP receiver', () => {
  let standIn: SlackApiStandIn;
  let harness: SlackHarness;

  beforeEach(async () => {
    standIn = new SlackApiStandIn();
    await standIn.start();
    harness = await startSlackHarness(standIn, testRedis());
  });

  afterEach(async () => {
    expectWithinSlackLimits(standIn.calls);
    await harness.close();
    await standIn.stop();
  });

  it('answers 401 to a request with a forged signature, and does nothing', async () => {
    const fields = commandFields('start', PEOPLE.releaseManager, standIn.responseUrl('x'));
    const reply = await postForm(harness.url, fields, { secret: 'not-the-signing-secret' });
    expect(reply.status).toBe(401);
    expect(await harness.adapters.ledger.read()).toEqual([]);
    expect(standIn.callsOf('chat.postMessage')).toEqual([]);
  });

  it('answers 401 to a correctly signed request whose timestamp is older than 5 minutes', async () => {
    const fields = commandFields('start', PEOPLE.releaseManager, standIn.responseUrl('x'));
    const reply = await postForm(harness.url, fields, {
      timestampSec: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(reply.status).toBe(401);
    expect(await harness.adapters.ledger.read()).toEqual([]);
  });

  it('is not built without a signing secret, which it needs to verify requests', () => {
    expect(() => createSlackApp({ botToken: 'xoxb-test-token' }, pino({ level: 'silent' }))).toThrow(
      expect.objectContaining({ code: 'signing_secret_missing' }),
    );
  });
});
