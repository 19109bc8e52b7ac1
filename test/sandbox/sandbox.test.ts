import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../src/adapters/http/http-server.js';
import type { MecConfig } from '../../src/config/config-schema.js';
import { readConfig } from '../../src/config/load-settings.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';

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
async function sandboxed(answer = '') {
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
  const sandbox = new Sandbox(config);
  const credentials = await sandbox.start();
  cleanups.push(() => sandbox.stop());
  const page = await startHttpServer(0, sandbox.routes(`${listening(bot)}/slack/events`), '127.0.0.1');
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
    expect(fields.get('response_url')).toMatch(/\/response\/U0RELEASEMGR\.\d+$/);
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
});
