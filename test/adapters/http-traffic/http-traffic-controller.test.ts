import { describe, expect, it } from 'vitest';
import { HttpTrafficController } from '../../../src/adapters/http-traffic/http-traffic-controller.js';
import { MecError } from '../../../src/domain/errors.js';
import { listen } from '../../support/http-stub.js';

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
