import { createHmac } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALERTMANAGER_PATH, alertmanagerWebhook } from '../../src/adapters/http/alertmanager-webhook.js';
import { type Routes, startHttpServer } from '../../src/adapters/http/http-server.js';
import type { AlertBatch } from '../../src/app/ports/alert-batch.js';
import type { MecConfig } from '../../src/config/config-schema.js';
import { readConfig } from '../../src/config/load-settings.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { webClientOn } from '../support/web-client.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const listening = (server: Server) => {
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
};

/**
 * A sandbox whose page routes are served, posting to a stand-in for the bot's /slack/events that keeps
 * each request and answers with `answer`.
 */
async function sandboxed(answer = '', options: { dir?: string; alerts?: (sandbox: Sandbox) => Routes } = {}) {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const config: MecConfig = loaded.config;
  const received: Received[] = [];
  const bot = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => bot.close(resolve)));
  const sandbox = new Sandbox(config, options.dir ? { dir: options.dir } : {});
  const credentials = await sandbox.start();
  cleanups.push(() => sandbox.stop());
  // With `alerts`, the bot's side is those routes (its Alertmanager webhook) instead of the recorder.
  const botSide = options.alerts ? await startHttpServer(0, options.alerts(sandbox), '127.0.0.1') : bot;
  if (options.alerts) cleanups.push(() => new Promise((resolve) => botSide.close(resolve)));
  const page = await startHttpServer(0, sandbox.routes(`${listening(botSide)}/slack/events`), '127.0.0.1');
  cleanups.push(() => new Promise((resolve) => page.close(resolve)));
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${listening(page)}${path}`, { method: 'POST', body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { sandbox, credentials, received, post, pageUrl: listening(page) };
}

/** Whether a request carries Slack's v0 signature under `secret`. */
const signedWith = (secret: string, { headers, body }: Received) =>
  headers['x-slack-signature'] ===
  `v0=${createHmac('sha256', secret).update(`v0:${headers['x-slack-request-timestamp']}:${body}`).digest('hex')}`;

describe('the sandbox', () => {
  it("plays Slack to the bot: a bot token and signing secret of its own, and its stand-in's Web API", async () => {
    const { sandbox, credentials } = await sandboxed();
    expect(credentials).toEqual({
      botToken: 'xoxb-sandbox',
      signingSecret: expect.stringMatching(/^[0-9a-f]{48}$/),
      apiUrl: sandbox.standIn.apiUrl,
    });
  });

  it('sends a command typed on the page as Slack would: signed, its text escaped, with a response_url', async () => {
    const { credentials, received, post } = await sandboxed();
    expect(await post('/sandbox/command', { user: 'U0RELEASEMGR', text: 'pause <!here> & wait' })).toEqual({
      status: 200,
      body: { status: 200 },
    });
    const [request] = received;
    if (!request) throw new Error('nothing reached the bot');
    expect(signedWith(credentials.signingSecret ?? '', request)).toBe(true);
    const fields = new URLSearchParams(request.body);
    expect(fields.get('command')).toBe('/mec');
    expect(fields.get('text')).toBe('pause &lt;!here&gt; &amp; wait');
    expect(fields.get('user_id')).toBe('U0RELEASEMGR');
    expect(fields.get('channel_id')).toBe('C0RELEASE01');
    expect(fields.get('response_url')).toMatch(/\/response\/U0RELEASEMGR\.[0-9a-f]{8}\.\d+$/);
  });

  it('shows the answer the bot gave in its ack to the person who typed the command', async () => {
    const { post, pageUrl } = await sandboxed(
      JSON.stringify({ response_type: 'ephemeral', text: 'not a /mec command' }),
    );
    await post('/sandbox/command', { user: 'U0VISITOR1', text: 'deploy' });
    const state = (await (await fetch(`${pageUrl}/sandbox/state`)).json()) as { ephemeral: unknown[] };
    expect(state.ephemeral).toEqual([
      expect.objectContaining({ user: 'U0VISITOR1', text: 'not a /mec command' }),
    ]);
  });

  it('sends a click as a signed block action carrying the button', async () => {
    const { credentials, received, post } = await sandboxed();
    await post('/sandbox/click', {
      user: 'U0PRIYANAT',
      actionId: 'mec_pause',
      value: '{"r":"R1","v":2}',
      channel: 'C0RELEASE01',
      ts: '1700000001.000001',
    });
    const [request] = received;
    if (!request) throw new Error('nothing reached the bot');
    expect(signedWith(credentials.signingSecret ?? '', request)).toBe(true);
    const payload = JSON.parse(new URLSearchParams(request.body).get('payload') ?? '{}');
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0PRIYANAT' },
      container: { channel_id: 'C0RELEASE01', message_ts: '1700000001.000001' },
      actions: [{ action_id: 'mec_pause', value: '{"r":"R1","v":2}' }],
    });
  });

  it('refuses a page request it cannot read, naming what is wrong, and sends the bot nothing', async () => {
    const { received, post } = await sandboxed();
    expect(await post('/sandbox/command', { user: '', text: 5 })).toEqual({
      status: 400,
      body: { error: [expect.stringContaining('user:'), expect.stringContaining('text:')] },
    });
    expect(received).toEqual([]);
  });

  it('lists the people of the config by name, and a visitor with no role, for the page to act as', async () => {
    const { pageUrl } = await sandboxed();
    const state = (await (await fetch(`${pageUrl}/sandbox/state`)).json()) as {
      people: unknown[];
      names: Record<string, string>;
      channels: unknown;
    };
    expect(state.people).toContainEqual({
      user: 'U0RELEASEMGR',
      role: 'Release Manager',
      name: 'Rene Baptiste',
    });
    expect(state.people.at(-1)).toEqual({ user: 'U0VISITOR1', role: 'no role', name: 'Visitor' });
    expect(state.names).toMatchObject({ U0MECBOT: 'mec-bot', U0AVERYCHEN: 'Avery Chen' });
    expect(state.channels).toEqual({ release: 'C0RELEASE01', incident: 'C0INCIDENT1' });
  });

  const reasonModal = (extra: Record<string, unknown> = {}) => ({
    type: 'modal' as const,
    callback_id: 'mec_reject_reason',
    private_metadata: '{"rolloutId":"R1"}',
    title: { type: 'plain_text' as const, text: 'Reject the release' },
    submit: { type: 'plain_text' as const, text: 'Reject' },
    blocks: [],
    ...extra,
  });
  const typed = { reason_block: { reason_input: { type: 'plain_text_input', value: '' } } };
  const modals = async (pageUrl: string) =>
    (
      (await (await fetch(`${pageUrl}/sandbox/state`)).json()) as {
        modals: Array<{ id: number; user: string }>;
      }
    ).modals;

  it('keeps a modal open with the errors the bot answered, and closes it once the bot accepts', async () => {
    const errors = {
      response_action: 'errors',
      errors: { reason_block: 'Give a reason of 1 to 500 characters.' },
    };
    const refusing = await sandboxed(JSON.stringify(errors));
    await webClientOn(refusing.sandbox.standIn).views.open({
      trigger_id: 'trigger.U0AVERYCHEN.1',
      view: reasonModal(),
    });
    const [modal] = await modals(refusing.pageUrl);
    if (!modal) throw new Error('no modal open');
    expect(
      await refusing.post('/sandbox/submit', { user: 'U0AVERYCHEN', modal: modal.id, values: typed }),
    ).toEqual({
      status: 200,
      body: { status: 200, errors: errors.errors },
    });
    const payload = JSON.parse(new URLSearchParams(refusing.received[0]?.body).get('payload') ?? '{}');
    expect(payload).toMatchObject({
      type: 'view_submission',
      user: { id: 'U0AVERYCHEN' },
      view: {
        callback_id: 'mec_reject_reason',
        private_metadata: '{"rolloutId":"R1"}',
        state: { values: typed },
      },
    });
    expect(await modals(refusing.pageUrl)).toHaveLength(1);

    const accepting = await sandboxed('');
    await webClientOn(accepting.sandbox.standIn).views.open({
      trigger_id: 'trigger.U0AVERYCHEN.1',
      view: reasonModal(),
    });
    const [open] = await modals(accepting.pageUrl);
    await accepting.post('/sandbox/submit', { user: 'U0AVERYCHEN', modal: open?.id, values: typed });
    expect(await modals(accepting.pageUrl)).toEqual([]);
    // Submitted again, or by someone it was not opened for, it is refused: it is no longer open.
    expect(
      await accepting.post('/sandbox/submit', { user: 'U0AVERYCHEN', modal: open?.id, values: typed }),
    ).toEqual({
      status: 404,
      body: { error: 'That modal is no longer open: it was submitted or closed.' },
    });
  });

  it('closes a cancelled modal, telling the bot only when its view asked with notify_on_close', async () => {
    const { sandbox, received, post, pageUrl } = await sandboxed();
    const client = webClientOn(sandbox.standIn);
    await client.views.open({ trigger_id: 'trigger.U0AVERYCHEN.1', view: reasonModal() });
    await client.views.open({
      trigger_id: 'trigger.U0PRIYANAT.2',
      view: reasonModal({ notify_on_close: true }),
    });
    const [quiet, notifying] = await modals(pageUrl);
    expect(await post('/sandbox/close', { user: 'U0PRIYANAT', modal: quiet?.id })).toMatchObject({
      status: 404,
    });
    await post('/sandbox/close', { user: 'U0AVERYCHEN', modal: quiet?.id });
    expect(received).toEqual([]);
    await post('/sandbox/close', { user: 'U0PRIYANAT', modal: notifying?.id });
    expect(JSON.parse(new URLSearchParams(received[0]?.body).get('payload') ?? '{}')).toMatchObject({
      type: 'view_closed',
      user: { id: 'U0PRIYANAT' },
      view: { callback_id: 'mec_reject_reason' },
    });
    expect(await modals(pageUrl)).toEqual([]);
  });

  it("injects and clears an alarm through the bot's Alertmanager webhook, with the webhook's token", async () => {
    const batches: AlertBatch[] = [];
    const { post, pageUrl } = await sandboxed('', {
      alerts: (sandbox) => ({
        [`POST ${ALERTMANAGER_PATH}`]: alertmanagerWebhook(sandbox.alertToken, async (batch) => {
          batches.push(batch);
          return { received: batch.alerts.length };
        }),
      }),
    });
    expect(await post('/sandbox/alarm', { alarm: 'latency_slo_drop', status: 'firing' })).toEqual({
      status: 200,
      body: { status: 200, answer: { received: 1 } },
    });
    const firingState = (await (await fetch(`${pageUrl}/sandbox/state`)).json()) as {
      alarms: Array<{ firing: boolean }>;
    };
    expect(firingState.alarms[0]?.firing).toBe(true);
    await post('/sandbox/alarm', { alarm: 'latency_slo_drop', status: 'resolved' });
    expect(batches.map((batch) => batch.alerts[0]?.status)).toEqual(['firing', 'resolved']);
    expect(batches[1]?.alerts[0]?.startsAt).toBe(batches[0]?.alerts[0]?.startsAt);
    expect(batches[0]?.alerts[0]?.labels).toMatchObject({ mec_alarm: 'latency_slo_drop', mec_phase: 'M6' });
    expect(await post('/sandbox/alarm', { alarm: 'disk_full', status: 'firing' })).toEqual({
      status: 400,
      body: {
        error:
          'No alarm disk_full in the config; pick one of latency_slo_drop, determinism_variance, feature_drift.',
      },
    });
    expect(batches).toHaveLength(2);
  });

  it('keeps the channels and the firing alarms across a restart on the same directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mec-sandbox-dir-'));
    const first = await sandboxed('', {
      dir,
      alerts: () => ({
        [`POST ${ALERTMANAGER_PATH}`]: (_request, response) => {
          response.writeHead(200).end('{}');
        },
      }),
    });
    expect(await readFile(join(dir, 'sandbox.pid'), 'utf8')).toBe(String(process.pid));
    const posted = await webClientOn(first.sandbox.standIn).chat.postMessage({
      channel: 'C0RELEASE01',
      text: 'kept',
    });
    await first.post('/sandbox/alarm', { alarm: 'feature_drift', status: 'firing' });
    await first.sandbox.stop();
    await expect(readFile(join(dir, 'sandbox.pid'))).rejects.toMatchObject({ code: 'ENOENT' });

    const second = await sandboxed('', { dir });
    const state = (await (await fetch(`${second.pageUrl}/sandbox/state`)).json()) as {
      messages: Array<{ ts: string; text: string }>;
      alarms: Array<{ name: string; firing: boolean }>;
    };
    expect(state.messages).toEqual([expect.objectContaining({ ts: posted.ts, text: 'kept' })]);
    expect(state.alarms.find((alarm) => alarm.name === 'feature_drift')?.firing).toBe(true);
  });
});
