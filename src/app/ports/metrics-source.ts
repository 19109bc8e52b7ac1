import type { Reading, WatchedAlarm } from '../../domain/alarm-watch.js';

/** An alarm as the metrics source reads it: its name and its PromQL. */
export interface QueriedAlarm extends WatchedAlarm {
  query: string;
}

/** Where alarm values come from. A failure comes back as an error reading, never as a healthy value. */
export interface MetricsSource {
  read(alarm: QueriedAlarm, at: Date): Promise<Reading>;
}
