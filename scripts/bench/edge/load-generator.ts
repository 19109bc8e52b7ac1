import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { LoadJob, LoadResult } from './load-protocol.js';

/**
 * The edge suite's load generator, a process of its own so its CPU is not the measured process's.
 * It takes jobs over IPC, signs every body as Slack does, sends them on keep-alive connections in a
 * closed or an open loop, and answers with the latencies.
 */
interface Prepared {
  body: Buffer;
  headers: Record<string, string | number>;
}

function prepare(job: LoadJob): Prepared[] {
  const timestamp = Math.floor(Date.now() / 1000);
  return job.bodies.map((text) => {
    const signature = createHmac('sha256', job.signingSecret).update(`v0:${timestamp}:${text}`).digest('hex');
    const body = Buffer.from(text);
    return {
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': body.length,
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': `v0=${signature}`,
      },
    };
  });
}

function send(url: URL, agent: Agent, prepared: Prepared): Promise<string> {
  return new Promise((resolve) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: prepared.headers,
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(String(response.statusCode)));
        response.once('error', () => resolve('error'));
      },
    );
    outgoing.once('error', () => resolve('error'));
    outgoing.end(prepared.body);
  });
}

async function run(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const prepared = prepare(job);
  const closed = job.mode === 'closed';
  const agent = new Agent({ keepAlive: true, ...(closed ? { maxSockets: job.inFlight ?? 1 } : {}) });
  const latenciesMs: number[] = new Array(prepared.length);
  const statuses: Record<string, number> = {};
  const count = (status: string) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  const started = performance.now();
  if (closed) {
    let next = 0;
    const lane = async () => {
      while (next < prepared.length) {
        const index = next++;
        const sentAt = performance.now();
        count(await send(url, agent, prepared[index] as Prepared));
        latenciesMs[index] = performance.now() - sentAt;
      }
    };
    await Promise.all(Array.from({ length: job.inFlight ?? 1 }, lane));
  } else {
    const intervalMs = 1000 / (job.ratePerSec ?? 1);
    const origin = performance.now() + 5;
    const pending: Promise<void>[] = [];
    await new Promise<void>((done) => {
      let next = 0;
      // Sends every request whose time has come, however late the timer fired: latency counts from
      // the scheduled time, so a stalled sender cannot hide a slow server (coordinated omission).
      const tick = () => {
        const now = performance.now();
        while (next < prepared.length && origin + next * intervalMs <= now) {
          const index = next++;
          const scheduledAt = origin + index * intervalMs;
          pending.push(
            send(url, agent, prepared[index] as Prepared).then((status) => {
              count(status);
              latenciesMs[index] = performance.now() - scheduledAt;
            }),
          );
        }
        if (next >= prepared.length) return done();
        setTimeout(tick, Math.max(0, origin + next * intervalMs - performance.now()));
      };
      setTimeout(tick, Math.max(0, origin - performance.now()));
    });
    await Promise.all(pending);
  }
  const wallMs = performance.now() - started;
  agent.destroy();
  return { latenciesMs, statuses, wallMs };
}

process.on('message', (job: LoadJob) => {
  run(job).then(
    (result) => process.send?.(result),
    (error: Error) => process.send?.({ error: error.message }),
  );
});
