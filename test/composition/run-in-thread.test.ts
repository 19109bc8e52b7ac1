import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { runInThread } from '../../src/composition/run-in-thread.js';

/** A thread running `code`, with `parentPort` in scope. */
const thread = (code: string) =>
  new Worker(`const { parentPort } = require('node:worker_threads');\n${code}`, { eval: true });

describe('runInThread', () => {
  it('answers with what the thread posts, and stops a thread that lingers after it answered', async () => {
    const worker = thread(`parentPort.postMessage({ ok: true, value: 42 }); setInterval(() => {}, 1000);`);
    const exited = once(worker, 'exit');
    expect(await runInThread(worker, 60_000, 'The sum')).toBe(42);
    await exited;
  });

  it.each([
    ['exits without an answer', 'process.exit(0);', 'exited with code 0 and no answer'],
    ['throws', "throw new Error('the disk is gone');", 'the disk is gone'],
    [
      'answers that it failed',
      "parentPort.postMessage({ ok: false, message: 'Redis refused' });",
      'Redis refused',
    ],
  ])('fails clearly, with a stable code, when the thread %s', async (_what, code, message) => {
    const failure = await runInThread(thread(code), 60_000, 'The sum').catch((error: Error) => error);
    expect(failure).toMatchObject({ code: 'thread_failed' });
    expect((failure as Error).message).toContain('The sum');
    expect((failure as Error).message).toContain(message);
  });

  it('stops a thread that does not answer in time, and fails with a stable code', async () => {
    const worker = thread('setInterval(() => {}, 1000);');
    const exited = once(worker, 'exit');
    await expect(runInThread(worker, 200, 'The sum')).rejects.toMatchObject({ code: 'thread_timeout' });
    await exited;
  });
});
