/** What the use cases count for the bot's own metrics. */
export interface RolloutMetrics {
  /** A rollback reached shadow; `cause` says who asked for it. */
  rollbackFinished(cause: 'blocker_alarm' | 'person'): void;
  /** Seconds from an alarm's arrival to traffic back at shadow. */
  shadowReached(secondsSinceAlarm: number): void;
  /** A ramp reached its plan step's weight, `seconds` after it was accepted. */
  stepFinished(weightPct: number, seconds: number): void;
  /** A soak ended after running for `seconds`; `ended` is one a rollback or an abort cut short. */
  soakFinished(outcome: 'passed' | 'breached' | 'blind' | 'ended', seconds: number): void;
  /** A rollout completed or was stopped, `seconds` after it started. */
  rolloutFinished(outcome: 'complete' | 'stopped', seconds: number): void;
}
