/** One evaluation of a watch as it was read: each alarm's value, or `error: ...` where the read failed. */
export interface WatchSample {
  /** ISO-8601 UTC with milliseconds: when the alarms were read. */
  at: string;
  watch: 'smoke' | 'soak';
  values: Record<string, number | string>;
}

/**
 * The values every evaluation of a rollout's watches read, kept for the dashboard's charts. A record,
 * not evidence: the ledger and the smoke report are what an audit reads.
 */
export interface WatchSampleLog {
  record(rolloutId: string, sample: WatchSample): Promise<void>;
  /** The rollout's samples, oldest first; the newest ones only, when it has more than the log keeps. */
  read(rolloutId: string): Promise<WatchSample[]>;
}
