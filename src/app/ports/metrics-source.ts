import type { Reading, WatchedAlarm } from '../../domain/alarm-watch.js';

/** An alarm as the metrics source reads it: its name and its PromQL. */
export interface QueriedAlarm extends WatchedAlarm {
  query: string;
}

/** An alarm as configured: what is watched, and what people are told about it. */
export interface AlarmSettings extends QueriedAlarm {
  /** The window the query looks back over, in milliseconds; also the rule's `for`. */
  window: number;
  summary?: string | undefined;
  runbook?: string | undefined;
  /** The runbook page's URL. */
  runbookUrl?: string | undefined;
}

/** Where alarm values come from. A failure comes back as an error reading, never as a healthy value. */
export interface MetricsSource {
  read(alarm: QueriedAlarm, at: Date): Promise<Reading>;
}
