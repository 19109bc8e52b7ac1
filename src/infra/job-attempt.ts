import { AsyncLocalStorage } from 'node:async_hooks';

/** One attempt of a queued job, as the Slack calls inside it see and mark it. */
export interface Attempt {
  /** An earlier attempt may have posted (it failed, or its process died): posts look for themselves first. */
  retry: boolean;
  /** Whether this attempt has sent a post to Slack yet. */
  posted: boolean;
  /** Set when a post found its channel's turn taken: how long until it frees, in milliseconds. */
  pacedMs?: number;
}

const attempt = new AsyncLocalStorage<Attempt>();

/** A fresh attempt; `retry` says an earlier one may have posted. */
export const newAttempt = (retry: boolean): Attempt => ({ retry, posted: false });

/**
 * Runs one attempt of a queued job. Carried implicitly, so the publishers' ports need not know about
 * queues; the caller keeps `current` to read what happened inside.
 */
export function runAttempt<T>(current: Attempt, work: () => Promise<T>): Promise<T> {
  return attempt.run(current, work);
}

/** Whether the job attempt under way is a retry; false outside any job. */
export function isRetry(): boolean {
  return attempt.getStore()?.retry ?? false;
}

/** Notes that the attempt under way is sending a post (outside any job, nothing). */
export function notePosted(): void {
  const current = attempt.getStore();
  if (current) current.posted = true;
}

/**
 * Hands a paced post's wait to the job, if there is one: then it returns true and the job is delayed
 * instead of holding its worker. Outside a job it returns false, and the caller waits itself.
 */
export function deferPaced(waitMs: number): boolean {
  const current = attempt.getStore();
  if (!current) return false;
  current.pacedMs = waitMs;
  return true;
}
