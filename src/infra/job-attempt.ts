import { AsyncLocalStorage } from 'node:async_hooks';

const attempt = new AsyncLocalStorage<{ retry: boolean }>();

/**
 * Runs one attempt of a queued job. `retry` says that an earlier attempt started (it failed, was rate
 * limited, or its process died), so a Slack post inside may have landed already and is looked for
 * before it is made again. Carried implicitly, so the publishers' ports need not know about queues.
 */
export function runAttempt<T>(retry: boolean, work: () => Promise<T>): Promise<T> {
  return attempt.run({ retry }, work);
}

/** Whether the job attempt under way is a retry; false outside any job. */
export function isRetry(): boolean {
  return attempt.getStore()?.retry ?? false;
}
