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
