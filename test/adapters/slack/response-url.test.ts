import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postToResponseUrl } from '../../../src/adapters/slack/response-url.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';

let standIn: SlackApiStandIn;
beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
});
afterEach(() => standIn.stop());

describe('postToResponseUrl', () => {
  it('throws response_url_refused, not waiting for ever, when the answer is cut off mid-body', async () => {
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-length': '10' });
      response.write('ok');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const failure = await postToResponseUrl(`http://127.0.0.1:${port}/cut`, { text: 'answer' }).catch(
      (error: Error) => error,
    );
    server.close();
    expect(failure).toMatchObject({ code: 'response_url_refused' });
  });

  it('throws response_url_refused without echoing a response_url that is not a URL', async () => {
    const failure = await postToResponseUrl('not a url secret-part', { text: 'answer' }).catch(
      (error: Error) => error,
    );
    expect(failure).toMatchObject({ code: 'response_url_refused' });
    expect(JSON.stringify(failure)).not.toContain('secret-part');
  });

  it('delivers each answer, with its content, to its own response_url', async () => {
    for (const id of ['a1', 'a2', 'a3'])
      await postToResponseUrl(standIn.responseUrl(id), { response_type: 'ephemeral', text: `answer ${id}` });
    expect(standIn.callsOf('response_url').map((call) => [call.args.id, call.args.text])).toEqual([
      ['a1', 'answer a1'],
      ['a2', 'answer a2'],
      ['a3', 'answer a3'],
    ]);
  });

  it('throws response_url_refused without naming the URL when Slack refuses the post', async () => {
    // Slack takes five posts per response_url; the sixth is refused.
    const url = standIn.responseUrl('five-uses');
    for (let i = 0; i < 5; i++) await postToResponseUrl(url, { text: `answer ${i}` });
    const failure = await postToResponseUrl(url, { text: 'one too many' }).catch((error: Error) => error);
    expect(failure).toMatchObject({ code: 'response_url_refused' });
    expect((failure as Error).message).not.toContain('five-uses');
    expect((failure as Error).message).not.toContain('127.0.0.1');
  });

  it('throws response_url_refused without naming the URL when nothing answers at it', async () => {
    const url = standIn.responseUrl('gone');
    await standIn.stop();
    const failure = await postToResponseUrl(url, { text: 'answer' }).catch((error: Error) => error);
    expect(failure).toMatchObject({ code: 'response_url_refused' });
    expect((failure as Error).message).not.toContain('gone');
    // Started again for afterEach, which stops it.
    standIn = new SlackApiStandIn();
    await standIn.start();
  });
});

/** A local server that answers 200 and counts the connections and the posts it answered. */
async function countingServer(options: { keepAliveTimeout: number }) {
  const sockets: Socket[] = [];
  let answered = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.once('end', () => {
      answered += 1;
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeout;
  server.on('connection', (socket) => sockets.push(socket));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    server,
    sockets,
    answered: () => answered,
    close: () => {
      server.closeAllConnections();
      return new Promise((done) => server.close(done));
    },
  };
}

describe('postToResponseUrl on kept-alive connections', () => {
  it('posts again, once, on a new connection when the server closed the idle one it was sent on', async () => {
    const hook = await countingServer({ keepAliveTimeout: 60_000 });
    try {
      await postToResponseUrl(hook.url, { text: 'first' });
      // The server drops its idle connection just as the next post is written on it: the stale
      // keep-alive race. The client has not yet read the close when it picks the connection.
      hook.server.closeIdleConnections();
      await postToResponseUrl(hook.url, { text: 'second' });
      expect(hook.answered()).toBe(2);
      expect(hook.sockets).toHaveLength(2);
    } finally {
      await hook.close();
    }
  });

  it('does not post again when a new connection is cut before any answer', async () => {
    let connections = 0;
    const server = createServer((request) => {
      request.once('data', () => request.socket.destroy());
    });
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const failure = await postToResponseUrl(`http://127.0.0.1:${port}/reset`, { text: 'answer' }).catch(
      (error: Error) => error,
    );
    server.close();
    expect(failure).toMatchObject({ code: 'response_url_refused' });
    expect(connections).toBe(1);
  });

  it('closes a connection it has left idle before a server that keeps it a minute would', async () => {
    const hook = await countingServer({ keepAliveTimeout: 60_000 });
    try {
      await postToResponseUrl(hook.url, { text: 'answer' });
      const [socket] = hook.sockets;
      // 'end' on the server's side: the client sent its FIN; the server has not timed out.
      await once(socket as Socket, 'end');
      expect(hook.sockets).toHaveLength(1);
    } finally {
      await hook.close();
    }
  }, 15_000);
});
