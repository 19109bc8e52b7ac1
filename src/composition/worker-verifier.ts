import type { VerifyCheck } from '../app/ports/rollout-actions.js';
import type { WorkspaceVerifier } from '../app/ports/workspace-verifier.js';
import type { MecConfig } from '../config/config-schema.js';
import { oneAtATime } from './one-at-a-time.js';
import { runInThread, startThread } from './run-in-thread.js';

/** What the verify thread is given: plain data, as a thread takes nothing else. */
export interface VerifyWorkerData {
  config: MecConfig;
  workspace: string;
  prefix: string;
  /**
   * The Redis connection as configured (REDIS_URL), so its TLS, credentials, database and any other
   * setting carry over as given. It holds a password: the thread never logs it or answers with it.
   */
  redisUrl: string;
  verifierKey: string | undefined;
}

/**
 * The verify thread's old-space cap, in MB. The audit streams the ledger in flat memory (a 64 MB heap
 * runs it on a million entries); the cap keeps a bug from growing the bot, as a failed verify instead.
 */
const HEAP_MB = 96;

/**
 * How long one verify may run before it is stopped, in milliseconds (5 minutes): a verify of 300k
 * entries takes about 18 s in the bot, so this is for a thread that hangs (a Redis that stops
 * answering), not for a long ledger.
 */
const VERIFY_TIMEOUT_MS = 5 * 60_000;

/**
 * Runs each verify in a worker thread of its own: its own event loop, heap and Redis connection, so the
 * bot's requests go on while it reads the ledger, and its memory is returned when the thread ends.
 * One verify runs at a time. Someone who asks while one runs waits for the next, which everyone who
 * asked meanwhile shares: they asked for the ledger as it is now, which the running one, started
 * earlier, may not cover; and a burst of requests costs one more thread, not one each.
 */
export function workerVerifier(options: VerifyWorkerData & { timeoutMs?: number }): WorkspaceVerifier {
  const { timeoutMs = VERIFY_TIMEOUT_MS, ...data } = options;
  return {
    verify: oneAtATime(() =>
      runInThread<{ ok: boolean; checks: VerifyCheck[] }>(
        startThread('verify-worker', data, { maxOldGenerationSizeMb: HEAP_MB }),
        timeoutMs,
        'The verify',
      ),
    ),
  };
}
