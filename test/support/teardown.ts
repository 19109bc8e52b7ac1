import { afterEach } from 'vitest';

/**
 * Undoes what each test set up, newest first, once it ends. After-hooks run in reverse order of
 * registration, so call this after useTestRedis: the queues and workers close before Redis is cleaned.
 */
export function useTeardown(): (undo: () => unknown) => void {
  const pending: Array<() => unknown> = [];
  afterEach(async () => {
    for (const undo of pending.splice(0).reverse()) await undo();
  });
  return (undo) => {
    pending.push(undo);
  };
}
