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
