/** One alert as the alert intake takes it, whatever sent it (Alertmanager's webhook today). */
export interface ReceivedAlert {
  status: 'firing' | 'resolved';
  /** `mec_alarm` and `mec_phase` name the configured alarm the alert is for. */
  labels: Readonly<Record<string, string>>;
  /** `summary`, when there is one, is what people are shown. */
  annotations: Readonly<Record<string, string>>;
  /** ISO-8601: when the alert started firing. */
  startsAt: string;
  /** Stable for one alert across re-sends. */
  fingerprint: string;
}

/** Alerts delivered together. `groupKey` and each alert's fingerprint, start and status name a delivery. */
export interface AlertBatch {
  groupKey: string;
  alerts: readonly ReceivedAlert[];
}
