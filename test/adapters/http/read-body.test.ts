import { createServer, request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBody } from '../../../src/adapters/http/read-body.js';

/** A server that reads each request's body with the limit, answering what it read or the error's code. */
async function reading(limitBytes: number) {
  const refusals: unknown[] = [];
  const server = createServer((request, response) => {
    readBody(request, limitBytes).then(
      (body) => response.writeHead(200).end(JSON.stringify({ body })),
      (error: BodyTooLargeError) => {
        refusals.push(error);
        const refusal = {
          code: error.code,
          limit: error.limitBytes,
          sure: error instanceof BodyTooLargeError,
        };
        response.writeHead(413).end(JSON.stringify(refusal));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, refusals, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Posts the chunks one by one, declaring a length only when told to. */
function post(port: number, chunks: string[], declared?: number) {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const request = httpRequest(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        headers: declared === undefined ? {} : { 'content-length': declared },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    // The server may stop reading early: a reset then is the refusal, already answered.
    request.on('error', reject);
    for (const chunk of chunks) request.write(chunk);
    request.end();
  });
}

describe('readBody', () => {
  it('reads a body sent in several chunks, as UTF-8', async () => {
    const server = await reading(1_024);
    try {
      expect(await post(server.port, ['{"text":', '"ünïcödé', ' €"}'])).toEqual({
        status: 200,
        body: { body: '{"text":"ünïcödé €"}' },
      });
    } finally {
      await server.close();
    }
  });

  it('refuses a body that declares more than the limit, before reading it', async () => {
    const server = await reading(16);
    try {
      const body = 'x'.repeat(17);
      expect(await post(server.port, [body], body.length)).toEqual({
        status: 413,
        body: { code: 'body_too_large', limit: 16, sure: true },
      });
    } finally {
      await server.close();
    }
  });

  it('refuses a body that grows past the limit without declaring its length', async () => {
    const server = await reading(16);
    try {
      // The server stops reading at the limit, so the client may see its answer or a reset.
      await post(server.port, ['x'.repeat(10), 'y'.repeat(10)]).catch(() => undefined);
      await expect
        .poll(() => server.refusals)
        .toEqual([expect.objectContaining({ code: 'body_too_large', limitBytes: 16 })]);
    } finally {
      await server.close();
    }
  });
});
