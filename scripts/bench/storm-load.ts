import { Agent, request } from 'node:http';
import { alertPayload } from '../../test/support/alertmanager.js';

/**
 * The storm's load generator, its own process so its work does not fall on the bot's event loop:
 * `tsx storm-load.ts <url> <token> <posts> <seconds> <distinct> <epoch>`. Sends `posts` webhooks open
 * loop, evenly over `seconds`, each a copy of one of `distinct` alerts (in a fixed shuffled order, so
 * about 95% are re-sends), over the BLOCKER, CRITICAL and WARNING alarms in turn. Each latency is taken
 * from the time the request was due, so a stalled server is not hidden by the generator waiting on it.
 * Prints {latenciesMs, dueMs, statuses} as JSON.
 */
const [url = '', token = '', postsText = '5000', secondsText = '10', distinctText = '250', epochText = '0'] =
  process.argv.slice(2);
const posts = Number(postsText);
const distinct = Number(distinctText);
const epoch = Number(epochText);
const ALARMS = [
  { alarm: 'latency_slo_drop', severity: 'BLOCKER' },
  { alarm: 'determinism_variance', severity: 'CRITICAL' },
  { alarm: 'feature_drift', severity: 'WARNING' },
] as const;

function body(n: number): string {
  const { alarm, severity } = ALARMS[n % ALARMS.length] as (typeof ALARMS)[number];
  const startsAt = new Date(Date.UTC(2026, 0, 1) + epoch * 3_600_000).toISOString();
  const one = alertPayload({ alarm, severity, startsAt, summary: `storm alert ${n}` });
  const [alert] = one.alerts;
  if (!alert) throw new Error('no alert');
  const labels = { ...alert.labels, instance: `web-${n}` };
  return JSON.stringify({ ...one, alerts: [{ ...alert, labels, fingerprint: `fp-${epoch}-${n}` }] });
}

// A fixed shuffle (a small LCG), so every run sends the same sequence: each alert first, then its copies.
let seed = 12345;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const order = Array.from({ length: posts }, (_, i) => i % distinct);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j] as number, order[i] as number];
}
const bodies = Array.from({ length: distinct }, (_, n) => body(n));
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const target = new URL(url);
const latenciesMs: number[] = [];
/** When each answered request was due, in ms from the start, beside its latency. */
const dueMs: number[] = [];
const statuses: Record<string, number> = {};

function send(text: string, dueAt: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          latenciesMs.push(performance.now() - dueAt);
          dueMs.push(dueAt - started);
          statuses[String(response.statusCode)] = (statuses[String(response.statusCode)] ?? 0) + 1;
          resolve();
        });
      },
    );
    req.on('error', (error) => {
      statuses[`error ${error.message}`] = (statuses[`error ${error.message}`] ?? 0) + 1;
      resolve();
    });
    req.end(text);
  });
}

const intervalMs = (Number(secondsText) * 1000) / posts;
const started = performance.now();
const inFlight: Promise<void>[] = [];
for (let i = 0; i < posts; i++) {
  const dueAt = started + i * intervalMs;
  const wait = dueAt - performance.now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  inFlight.push(send(bodies[order[i] as number] as string, dueAt));
}
await Promise.all(inFlight);
agent.destroy();
process.stdout.write(`${JSON.stringify({ latenciesMs, dueMs, statuses })}\n`);
