import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { MecError } from '../domain/errors.js';

/** What a thread run by `runInThread` posts, once: its answer, or why it has none (no secret in it). */
export type ThreadReply<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Waits for the one reply `worker` posts, then terminates the thread, so a thread that lingers after
 * its answer (a handle left open) costs nothing. An error, an exit with no reply, or no reply within
 * `timeoutMs` (milliseconds) rejects with `thread_failed` or `thread_timeout`, naming `what`, and the
 * thread is terminated.
 */
export function runInThread<T>(worker: Worker, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
      void worker.terminate();
    };
    const failed = (detail: string) =>
      settle(() => reject(new MecError('thread_failed', `${what} did not finish: ${detail}`)));
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(
            new MecError(
              'thread_timeout',
              `${what} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`,
            ),
          ),
        ),
      timeoutMs,
    );
    worker.once('message', (reply: ThreadReply<T>) =>
      reply.ok ? settle(() => resolve(reply.value)) : failed(reply.message),
    );
    worker.once('error', (error: Error) => failed(error.message));
    worker.once('exit', (code) => failed(`its thread exited with code ${code} and no answer`));
  });
}

// Next to this module: a .ts file when run from source, a .js one (an entry of the bundle) in dist/.
const ENTRY_EXTENSION = extname(fileURLToPath(import.meta.url));

/**
 * Starts a thread on the entry file `name` (without extension) beside this module, given `workerData`.
 * Run from source (tsx, the tests), the thread registers tsx's loader before it imports the entry.
 */
export function startThread(name: string, workerData: unknown, resourceLimits: ResourceLimits): Worker {
  const entry = new URL(`./${name}${ENTRY_EXTENSION}`, import.meta.url);
  if (ENTRY_EXTENSION === '.js') return new Worker(entry, { workerData, resourceLimits });
  const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { eval: true, workerData, resourceLimits });
}
