import type { Routes } from './http-server.js';
import { sendJson } from './http-server.js';

export interface Readiness {
  /** Whether the process can serve: Redis answers (and, with workers, they run; with Slack, it is connected). */
  ready(): Promise<{ ok: boolean; detail: Record<string, string> }>;
}

/** `GET /healthz` answers for the process itself; `GET /readyz` for what it depends on. */
export function healthRoutes(readiness: Readiness): Routes {
  return {
    'GET /healthz': (_request, response) => sendJson(response, 200, { ok: true }),
    'GET /readyz': async (_request, response) => {
      const result = await readiness
        .ready()
        .catch((error: Error) => ({ ok: false, detail: { error: error.message } }));
      sendJson(response, result.ok ? 200 : 503, result);
    },
  };
}
