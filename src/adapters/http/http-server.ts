import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** Routes by method and exact path, e.g. `GET /healthz`. */
export type Routes = Record<string, RouteHandler>;

/** The process's one HTTP server: Slack's events, health, and (later) webhooks and pages. */
export function startHttpServer(port: number, routes: Routes, host?: string): Promise<Server> {
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
    Promise.resolve(handler(request, response)).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
