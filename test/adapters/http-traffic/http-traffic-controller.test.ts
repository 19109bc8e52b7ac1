import { HttpTrafficController } from '../../../src/adapters/http-traffic/http-traffic-controller.js';
import { canonicalJson } from '../../../src/domain/canonical-json.js';
import {
  describeTrafficControllerContract,
  type ToldMessage,
} from '../../app/ports/traffic-controller.contract.js';
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
