import type { LedgerPrefixWalker, PrefixWalk } from '../app/ports/ledger-prefix-walker.js';
import { runInThread, startThread } from './run-in-thread.js';

/** What the walk thread is given: plain data, as a thread takes nothing else. */
export interface LedgerWalkData {
  /**
   * The Redis connection as configured (REDIS_URL), so its TLS, credentials and database carry over.
   * It holds a password: the thread never logs it or answers with it.
   */
  redisUrl: string;
  /** Prefix of every Redis key. */
  prefix: string;
  /** How many entries to walk, from the first. */
  size: number;
}

/**
 * The walk thread's old-space cap, in MB. The walk holds a page of entries and a tree frontier at a
 * time (flat in the ledger's length); the cap turns a bug that grows it into a failed walk.
 */
const HEAP_MB = 64;

/**
 * How long one walk may run before it is stopped, in milliseconds (5 minutes): 300k entries take
 * about 3 s, so this is for a thread that hangs on a Redis that stops answering.
 */
const WALK_TIMEOUT_MS = 5 * 60_000;

/**
 * Walks the ledger's first entries in a worker thread of its own, on its own Redis connection: the
 * SHA-256 of every entry, and the garbage of reading them, stay in a heap that is given back when the
 * thread ends. Only where the walk ended comes back: the chain's last entry and the tree's frontier.
 */
export function threadLedgerWalker(
  options: Omit<LedgerWalkData, 'size'> & { timeoutMs?: number },
): LedgerPrefixWalker {
  const { timeoutMs = WALK_TIMEOUT_MS, ...connection } = options;
  return {
    walk: (size) =>
      runInThread<PrefixWalk>(
        startThread('ledger-walk-worker', { ...connection, size } satisfies LedgerWalkData, {
          maxOldGenerationSizeMb: HEAP_MB,
        }),
        timeoutMs,
        'The walk over the signed ledger',
      ),
  };
}
