/** What the job workers count for the bot's own metrics. */
export interface JobMetrics {
  /** A job on `queue` completed after running for `seconds`. */
  jobFinished(queue: string, seconds: number): void;
  /** An attempt of a job on `queue` failed (it is retried while it has attempts left). */
  jobFailed(queue: string): void;
}
