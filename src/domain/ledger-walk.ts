import { ChainWalker } from './chain-walker.js';
import { TreeBuilder } from './log-tree.js';

/**
 * Where a walk of the ledger's first entries ended, as plain data (a thread can post it back): enough
 * to go on walking from there without the entries behind it.
 */
export interface WalkedPrefix {
  /** The last entry walked, its seq being how many were walked: seq 0 and the genesis hash for none. */
  head: { seq: number; hash: string };
  /** The hex hashes of the perfect subtrees those entries' tree decomposes into, leftmost first. */
  frontier: string[];
}

/**
 * The ledger's hash chain and its Merkle tree, walked together entry by entry: from the genesis, or
 * from where an earlier walk ended. A break comes back as the reason, for the caller to refuse with.
 */
export class LedgerWalk {
  readonly tree: TreeBuilder;
  readonly #chain: ChainWalker;

  constructor(from?: WalkedPrefix) {
    this.tree = from
      ? TreeBuilder.resume(
          from.head.seq,
          from.frontier.map((hex) => Buffer.from(hex, 'hex')),
        )
      : new TreeBuilder();
    this.#chain = new ChainWalker(from?.head);
  }

  /** How many entries are walked. */
  get size(): number {
    return this.tree.size;
  }

  /** Walks the next stored entry; says why the chain breaks there, if it does, and then walks nothing. */
  next(text: string): string | undefined {
    const step = this.#chain.next(text);
    if (!step.ok) return `${step.message} (${step.problem})`;
    this.tree.push(step.leaf);
    return undefined;
  }

  /** Says why a walk to a head of `toSeq` entries ended where this one did, if that is short of it. */
  shortOf(toSeq: number): string | undefined {
    return this.size === toSeq
      ? undefined
      : `the ledger head says ${toSeq} entries, but its list ends at #${this.size}`;
  }

  /** Where the walk is now, to go on from in another walk. */
  state(): WalkedPrefix {
    return { head: this.#chain.head, frontier: this.tree.frontier().map((hash) => hash.toString('hex')) };
  }
}
