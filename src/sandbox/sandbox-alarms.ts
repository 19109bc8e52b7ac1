import { alertName, ruleLabels } from '../adapters/prometheus/rule-pack.js';
import type { MecConfig } from '../config/config-schema.js';

type Alarm = MecConfig['alarms'][number];

/**
 * The Alertmanager v4 webhook body Alertmanager sends for one of the config's alarms, firing or
 * resolved, labelled the way the rule pack (`npm run rules`) labels its alerts: `mec_alarm` and
 * `mec_phase` map it to the alarm. A resolved alert repeats its firing alert's `startsAt`, as
 * Alertmanager's does. https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */
export function alertmanagerBody(
  alarm: Alarm,
  phase: string,
  status: 'firing' | 'resolved',
  startsAt: string,
  now: Date,
) {
  const labels = { alertname: alertName(alarm), ...ruleLabels(alarm, phase) };
  const annotations = { summary: alarm.summary ?? `${alarm.name} breached (injected from the sandbox page)` };
  return {
    version: '4',
    groupKey: `{}:{alertname="${labels.alertname}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'mec-bot',
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: 'http://alertmanager.sandbox.local',
    alerts: [
      {
        status,
        labels,
        annotations,
        startsAt,
        // Alertmanager's "no end yet" while an alert fires; the time it ended once resolved.
        endsAt: status === 'resolved' ? now.toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.sandbox.local/graph',
        fingerprint: `sandbox-${alarm.name}`,
      },
    ],
  };
}
