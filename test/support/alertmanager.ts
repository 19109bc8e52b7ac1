import { Agent, request } from 'node:http';
import type { Queue } from 'bullmq';

/** An Alertmanager v4 webhook payload for one alert of the example config. */
export function alertPayload(options: {
  alarm: string;
  severity: string;
  status?: 'firing' | 'resolved';
  startsAt?: string;
  fingerprint?: string;
  phase?: string;
  summary?: string;
}) {
  const status = options.status ?? 'firing';
  const labels = {
    alertname: `Mec_${options.alarm}`,
    mec_alarm: options.alarm,
    severity: options.severity,
    mec_phase: options.phase ?? 'M6',
  };
  return {
    version: '4',
    groupKey: `{}:{alertname="${labels.alertname}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'mec-bot',
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: { summary: options.summary ?? `${options.alarm} breached` },
    externalURL: 'http://alertmanager.local',
    alerts: [
      {
        status,
        labels,
        annotations: { summary: options.summary ?? `${options.alarm} breached` },
        startsAt: options.startsAt ?? '2025-10-21T14:00:00.000Z',
        endsAt: status === 'resolved' ? '2025-10-21T14:10:00.000Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.local/graph',
        fingerprint: options.fingerprint ?? `fp-${options.alarm}`,
      },
    ],
  };
}

export async function postAlert(url: string, body: unknown, token: string | undefined) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => ({}))) as Record<string, unknown>,
  };
}

/**
 * Posts every body at once over at most `connections` kept-alive connections, as Alertmanager's
 * instances do: the rest wait in the agent's queue. A thousand connections opened at once by a client in
 * the bot's own process overflow the listen queue while its loop is busy, and the kernel resets some of
 * them, which says nothing about the bot.
 */
export async function postAlertsOver(
  connections: number,
  url: string,
  bodies: readonly unknown[],
  token: string,
): Promise<Array<{ status: number; body: Record<string, unknown> }>> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  try {
    return await Promise.all(
      bodies.map(
        (body) =>
          new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
            const payload = JSON.stringify(body);
            const sent = request(
              url,
              {
                method: 'POST',
                agent,
                headers: {
                  'content-type': 'application/json',
                  'content-length': Buffer.byteLength(payload),
                  authorization: `Bearer ${token}`,
                },
              },
              (response) => {
                const chunks: Buffer[] = [];
                response.on('data', (chunk: Buffer) => chunks.push(chunk));
                response.on('end', () => {
                  const text = Buffer.concat(chunks).toString('utf8');
                  let parsed: Record<string, unknown> = {};
                  try {
                    parsed = JSON.parse(text) as Record<string, unknown>;
                  } catch {
                    // Not JSON: the status says what happened.
                  }
                  resolve({ status: response.statusCode ?? 0, body: parsed });
                });
                response.on('error', reject);
              },
            );
            sent.on('error', reject);
            sent.end(payload);
          }),
      ),
    );
  } finally {
    agent.destroy();
  }
}

/**
 * Waits until the alert worker has acted on the batch the webhook took in as `batch` (the `batch` of
 * its answer): its job completed. A job that finally failed, or none by that name, is an error.
 */
export async function actedOn(alerts: Queue, batch: unknown, timeoutMs = 20_000): Promise<void> {
  if (typeof batch !== 'string')
    throw new Error(`expected the webhook to name the batch, got ${String(batch)}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await alerts.getJobState(`alerts-${batch}`);
    if (state === 'completed') return;
    if (state === 'failed' || state === 'unknown' || Date.now() > deadline)
      throw new Error(`the alert batch ${batch} was not acted on: its job is ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
