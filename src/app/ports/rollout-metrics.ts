/** What the use cases count for the bot's own metrics. */
export interface RolloutMetrics {
  /** A rollback reached shadow; `cause` says who asked for it. */
  rollbackFinished(cause: 'blocker_alarm' | 'person'): void;
  /** Seconds from an alarm's arrival to traffic back at shadow. */
  shadowReached(secondsSinceAlarm: number): void;
}
