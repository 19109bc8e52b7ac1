import type { WalkedPrefix } from '../../domain/ledger-walk.js';

/** A walk of the ledger's first entries: where it ended, or why the chain breaks before its end. */
export type PrefixWalk = { ok: true; prefix: WalkedPrefix } | { ok: false; problem: string };

/**
 * Walks the ledger's first entries away from the caller's event loop and heap: the long walk a
 * process makes once, at start, over everything its last checkpoint signed, must not leave the bot's
 * heap grown by it.
 */
export interface LedgerPrefixWalker {
  /**
   * Walks entries 1 to `size`, checking the chain as `LedgerWalk` does, and that the list holds them
   * all. A broken chain or a short list is an answer (`ok: false`); a walk that cannot run rejects.
   */
  walk(size: number): Promise<PrefixWalk>;
}
