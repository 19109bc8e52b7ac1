import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorCodeOf } from '../../domain/errors.js';
import { newCorrelationId, withCorrelation } from '../../infra/correlation.js';
import type { Logger } from '../../infra/logger.js';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** Routes by method and exact path, e.g. `GET /healthz`. */
export type Routes = Record<string, RouteHandler>;

export interface HttpServerOptions {
  /** Where a handler's failure is logged, with its error code, before the 500. Unset: not logged. */
  logger?: Pick<Logger, 'error'>;
}

/**
 * The process's one HTTP server: Slack's events, health, and (later) webhooks and pages. A handler
 * that throws is answered 500 with its error code, and logged. Each request is handled under a
 * correlation id of its own, which its log lines, jobs and Slack calls carry.
 */
export function startHttpServer(
  port: number,
  routes: Routes,
  host?: string,
  options: HttpServerOptions = {},
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const handler = routes[`${request.method} ${path}`];
    if (!handler) {
      const allowed = Object.keys(routes).filter((key) => key.endsWith(` ${path}`));
      const status = allowed.length > 0 ? 405 : 404;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: status === 405 ? `use ${allowed.map((key) => key.split(' ')[0]).join(' or ')}` : 'not found',
        }),
      );
      return;
    }
    // The executor runs the handler now, and turns a synchronous throw into a rejection as well.
    const handling = withCorrelation(newCorrelationId(), () =>
      new Promise<void>((resolve) => resolve(handler(request, response))).catch((error: unknown) => {
        const code = errorCodeOf(error);
        options.logger?.error({ err: error, code, method: request.method, path }, 'HTTP handler failed');
        if (!response.headersSent)
          sendJson(response, 500, { error: 'the request failed and was logged', code });
      }),
    ).finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  const inFlight = new Set<Promise<void>>();
  handlersOf.set(server, inFlight);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Stops the server: no new connection is taken, idle keep-alive connections close at once, and a
 * request still in flight after `graceMs` has its connection closed, so an open page or a client that
 * keeps its connection busy cannot hold a shutdown open. It resolves once every handler has returned.
 */
export async function stopHttpServer(server: Server, graceMs: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const cutOff = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(cutOff);
      resolve();
    });
    server.closeIdleConnections();
  });
  // A handler whose connection was cut off still runs (it may hold claims, or be starting a rollback):
  // the connections it works through must outlive it.
  await Promise.all(handlersOf.get(server) ?? []);
}

/** The handlers each server is still running, so a stop can wait for them. */
const handlersOf = new WeakMap<Server, Set<Promise<void>>>();
