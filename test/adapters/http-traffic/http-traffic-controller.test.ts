import { describe, expect, it } from 'vitest';
import { HttpTrafficController } from '../../../src/adapters/http-traffic/http-traffic-controller.js';
import { canonicalJson } from '../../../src/domain/canonical-json.js';
import { MecError } from '../../../src/domain/errors.js';
import {
  describeTrafficControllerContract,
  type ToldMessage,
} from '../../app/ports/traffic-controller.contract.js';
import { listen } from '../../support/http-stub.js';
import { listenForTest } from '../../support/local-server.js';

/** Long enough for any answer on a loaded machine; only the shim that never answers runs into it. */
const TIMEOUT_MS = 2_000;

describeTrafficControllerContract('http', async () => {
  const told: ToldMessage[] = [];
  const changes: number[] = [];
  let lastApplied: string | undefined;
  let failing: 'unavailable' | 'silent' | undefined;
  // The shim is the receiver HttpTrafficController asks for: it serves the weight it was last sent, and
  // takes a request the same as the one it last applied, as a retry sends, for a repeat, not a change.
  const shim = await listenForTest((request, response) => {
    const said = JSON.parse(request.body) as Record<string, unknown>;
    told.push({
      said,
      raw: `${request.method} ${request.url}\n${JSON.stringify(request.headers)}\n${request.body}`,
    });
    if (failing === 'silent') return;
    if (failing === 'unavailable') return void response.writeHead(503).end();
    const key = canonicalJson(said);
    if (key !== lastApplied) changes.push(said.weightPct as number);
    lastApplied = key;
    response.writeHead(204).end();
  });
  return {
    controller: new HttpTrafficController(`${shim.url}/flags`, 'meta_prod', TIMEOUT_MS),
    flagSystem: {
      served: async () => changes.at(-1),
      changes: async () => [...changes],
      told: async () => [...told],
    },
    failures: {
      'answers 503': () => {
        failing = 'unavailable';
      },
      'never answers': () => {
        failing = 'silent';
      },
    },
    recover: () => {
      failing = undefined;
    },
  };
});

describe('HttpTrafficController', () => {
  it('POSTs the weight to the configured URL, and fails the job on a non-2xx answer', async () => {
    const received: unknown[] = [];
    let status = 200;
    const shim = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.writeHead(status).end();
      });
    });
    try {
      const http = new HttpTrafficController(`${shim.url}/flags`, 'meta_prod', 2_000);
      await http.setWeight({ phase: 'M6', rolloutId: 'R1', actor: 'U0RELEASEMGR', weightPct: 60 });
      expect(received).toEqual([{ flag: 'meta_prod', weightPct: 60, phase: 'M6', rolloutId: 'R1' }]);
      status = 503;
      await expect(
        http.setWeight({ phase: 'M6', rolloutId: 'R1', actor: 'U0RELEASEMGR', weightPct: 100 }),
      ).rejects.toThrow('answered 503');
    } finally {
      await shim.close();
    }
  });

  it('fails with the code traffic_controller_failed, naming the host but not the path', async () => {
    const shim = await listen((_request, response) => void response.writeHead(500).end());
    try {
      const http = new HttpTrafficController(`${shim.url}/flags?token=secret`, 'meta_prod', 2_000);
      const failure = await http
        .setWeight({ phase: 'M6', rolloutId: 'R1', actor: 'U0RELEASEMGR', weightPct: 5 })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MecError);
      expect(failure).toMatchObject({ code: 'traffic_controller_failed' });
      expect((failure as Error).message).toContain(new URL(shim.url).host);
      expect((failure as Error).message).not.toContain('secret');
    } finally {
      await shim.close();
    }
  });

  it('stops waiting on the controller as soon as the traffic lock is lost', async () => {
    const shim = await listen(() => undefined);
    try {
      // A timeout far past the test's: only the lost lock can end this call.
      const http = new HttpTrafficController(`${shim.url}/flags`, 'meta_prod', 600_000);
      const lock = new AbortController();
      const call = http.setWeight(
        { phase: 'M6', rolloutId: 'R1', actor: 'U0RELEASEMGR', weightPct: 5 },
        lock.signal,
      );
      lock.abort(new MecError('lock_lost', 'lost the traffic lock'));
      await expect(call).rejects.toMatchObject({ code: 'lock_lost' });
    } finally {
      await shim.close();
    }
  });

  it('gives up on a controller that never answers, so the job fails and is retried', async () => {
    const shim = await listen(() => undefined);
    try {
      const http = new HttpTrafficController(`${shim.url}/flags`, 'meta_prod', 100);
      await expect(
        http.setWeight({ phase: 'M6', rolloutId: 'R1', actor: 'U0RELEASEMGR', weightPct: 5 }),
      ).rejects.toThrow();
    } finally {
      await shim.close();
    }
  });
});
