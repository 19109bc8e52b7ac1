import { LedgerWalk } from '../domain/ledger-walk.js';
import type { Ledger } from './ports/ledger.js';
import type { PrefixWalk } from './ports/ledger-prefix-walker.js';

/** Walks the ledger's entries 1 to `size` from the genesis, a page at a time, in flat memory. */
export async function walkLedgerPrefix(ledger: Pick<Ledger, 'pages'>, size: number): Promise<PrefixWalk> {
  const walk = new LedgerWalk();
  for await (const page of ledger.pages(1, size))
    for (const text of page) {
      const problem = walk.next(text);
      if (problem !== undefined) return { ok: false, problem };
    }
  const problem = walk.shortOf(size);
  return problem === undefined ? { ok: true, prefix: walk.state() } : { ok: false, problem };
}
