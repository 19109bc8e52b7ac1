import type { Server } from 'node:http';
import { request } from 'node:http';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Routes,
  sendJson,
  startHttpServer,
  stopHttpServer,
} from '../../../src/adapters/http/http-server.js';
import { MecError } from '../../../src/domain/errors.js';
import { freePort } from '../../../src/infra/free-port.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** Serves `routes` on a free port, logging into the returned list, one parsed JSON line per entry. */
async function serve(routes: Routes, withLogger = true) {
  const logged: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const port = await freePort();
  server = await startHttpServer(port, routes, '127.0.0.1', withLogger ? { logger } : {});
  return { url: `http://127.0.0.1:${port}`, logged };
}

describe('the HTTP server', () => {
  it('logs a MecError thrown by a handler with its code, then answers 500 with the code', async () => {
    const { url, logged } = await serve({
      'POST /work': async () => {
        throw new MecError('lock_timeout', 'timed out waiting for the traffic lock');
      },
    });
    const response = await fetch(`${url}/work`, { method: 'POST' });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'the request failed and was logged',
      code: 'lock_timeout',
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 50,
      msg: 'HTTP handler failed',
      code: 'lock_timeout',
      method: 'POST',
      path: '/work',
      err: { message: 'timed out waiting for the traffic lock', code: 'lock_timeout' },
    });
  });

  it('logs an error that is not a MecError as unexpected, even one thrown synchronously', async () => {
    const { url, logged } = await serve({
      'GET /sync': () => {
        throw new RangeError('index out of range');
      },
      'GET /ok': (_request, response) => sendJson(response, 200, { ok: true }),
    });
    const response = await fetch(`${url}/sync`);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'unexpected' });
    expect(logged).toEqual([
      expect.objectContaining({
        code: 'unexpected',
        path: '/sync',
        err: expect.objectContaining({ type: 'RangeError' }),
      }),
    ]);
    // The server is still up for the next request.
    expect((await fetch(`${url}/ok`)).status).toBe(200);
  });

  it('answers 500 without a logger too', async () => {
    const { url } = await serve(
      {
        'GET /fail': async () => {
          throw new Error('boom');
        },
      },
      false,
    );
    expect((await fetch(`${url}/fail`)).status).toBe(500);
  });

  it('logs nothing for a handler that succeeds, nor for an unknown path', async () => {
    const { url, logged } = await serve({ 'GET /ok': (_request, response) => sendJson(response, 200, {}) });
    expect((await fetch(`${url}/ok`)).status).toBe(200);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    expect(logged).toEqual([]);
  });

  it('stops once its grace is over, with a request still unanswered and an idle keep-alive connection open', async () => {
    const { url } = await serve({
      'GET /hang': () => undefined,
      'GET /ok': (_request, response) => sendJson(response, 200, { ok: true }),
    });
    const running = server as Server;
    // An idle keep-alive connection: it answered and waits for the next request.
    const agentOptions = { headers: { connection: 'keep-alive' } };
    await new Promise<void>((resolve) =>
      request(`${url}/ok`, agentOptions, (response) => response.resume().on('end', resolve)).end(),
    );
    // A request that is never answered.
    const hanging = request(`${url}/hang`, agentOptions);
    hanging.on('error', () => undefined);
    hanging.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await stopHttpServer(running, 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(running.listening).toBe(false);
    server = undefined;
  });

  it('waits, once the connections are cut, for a handler that is still running', async () => {
    let finish: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let returned = false;
    const { url } = await serve({
      'POST /slow': async () => {
        await running;
        returned = true;
      },
    });
    const stopping = server as Server;
    const slow = request(`${url}/slow`, { method: 'POST' });
    slow.on('error', () => undefined);
    slow.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    let stopped = false;
    const stop = stopHttpServer(stopping, 50).then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopping.listening).toBe(false);
    expect(stopped).toBe(false);
    finish();
    await stop;
    expect(returned).toBe(true);
    server = undefined;
  });
});
