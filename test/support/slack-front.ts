import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { childPort } from './child-port.js';

type Mode = 'http_500' | 'rate_limited' | 'up';

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
};

/**
 * Slack's Web API as the bot process sees it through an outage, on one port throughout: it answers
 * 500, or 429 with a Retry-After, or nothing listens there at all (connection refused), or it passes
 * every call on to the strict stand-in.
 */
export async function slackFront(target: SlackApiStandIn, retryAfterSec: number) {
  const port = await childPort();
  let mode: Mode = 'http_500';
  let server: Server | undefined;
  const seen: Array<{ mode: Mode; method: string; at: number }> = [];
  let trap:
    | { match: (method: string, body: string) => boolean; caught: (fail: () => void) => void }
    | undefined;
  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const method = (request.url ?? '').replace(/^\/api\//, '');
    seen.push({ mode, method, at: Date.now() });
    if (mode === 'http_500') return void response.writeHead(500).end('internal error');
    if (mode === 'rate_limited')
      return void response
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfterSec) })
        .end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    if (trap?.match(method, body)) {
      const { caught } = trap;
      trap = undefined;
      // Not passed on: Slack failed on its side, and nothing was posted.
      await new Promise<void>((fail) => caught(fail));
      return void response.writeHead(500).end('internal error');
    }
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${target.apiUrl}${method}`, { method: 'POST', headers, body });
    response
      .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
      .end(await answer.text());
  };
  const open = async () => {
    const opened = createServer((request, response) => {
      handler(request, response).catch((error: Error) => response.writeHead(502).end(error.message));
    });
    await new Promise<void>((resolve) => opened.listen(port, '127.0.0.1', resolve));
    server = opened;
  };
  const close = async () => {
    const closing = server;
    server = undefined;
    closing?.closeAllConnections();
    await new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
  };
  await open();
  return {
    url: `http://127.0.0.1:${port}/api/`,
    seen,
    set: (next: Mode) => {
      mode = next;
    },
    /** Holds the next call that matches until `fail` is called, then answers it 500 without passing it on. */
    holdOne: (match: (method: string, body: string) => boolean) =>
      new Promise<{ fail: () => void }>((resolve) => {
        trap = { match, caught: (fail) => resolve({ fail }) };
      }),
    open,
    close,
  };
}
