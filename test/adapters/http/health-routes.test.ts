import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { healthRoutes } from '../../../src/adapters/http/health-routes.js';
import { startHttpServer } from '../../../src/adapters/http/http-server.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
});

async function serve(ready: () => Promise<{ ok: boolean; detail: Record<string, string> }>) {
  server = await startHttpServer(0, healthRoutes({ ready }), '127.0.0.1');
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

describe('health routes', () => {
  it('answer /healthz for the process even when its dependencies are down', async () => {
    const url = await serve(async () => ({ ok: false, detail: { redis: 'connection refused' } }));
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it.each([
    [
      'Redis does not answer',
      async () => ({ ok: false, detail: { redis: 'connection refused', workers: 'running' } }),
    ],
    [
      'the workers are not running',
      async () => ({ ok: false, detail: { redis: 'ok', workers: 'not running' } }),
    ],
    ['the check itself fails', async () => Promise.reject(new Error('boom'))],
  ])('answer /readyz with 503 when %s', async (_when, ready) => {
    const url = await serve(ready);
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ok: false });
  });

  it('answer 405 to the wrong method and 404 to an unknown path', async () => {
    const url = await serve(async () => ({ ok: true, detail: {} }));
    expect((await fetch(`${url}/healthz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });
});
