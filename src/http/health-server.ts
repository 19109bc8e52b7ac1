import { createServer, type Server } from 'node:http';

export interface HealthChecks {
  /** Whether the process can serve: Redis answers (and, later, the workers run). */
  ready(): Promise<{ ok: boolean; detail: Record<string, string> }>;
}

/** `/healthz` answers for the process itself; `/readyz` for what it depends on. */
export function startHealthServer(port: number, checks: HealthChecks): Promise<Server> {
  const server = createServer(async (request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.method !== 'GET') return send(405, { error: 'use GET' });
    if (request.url === '/healthz') return send(200, { ok: true });
    if (request.url === '/readyz') {
      const readiness = await checks
        .ready()
        .catch((error: Error) => ({ ok: false, detail: { error: error.message } }));
      return send(readiness.ok ? 200 : 503, readiness);
    }
    send(404, { error: 'not found: try /healthz or /readyz' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
