import type { Checkpoint } from '../domain/checkpoint-note.js';
import type { LedgerEntry } from '../domain/ledger-entry.js';
import {
  inclusionProofRanges,
  ledgerLeafHash,
  type NodeRange,
  type TreeBuilder,
  verifyInclusion,
} from '../domain/log-tree.js';

export interface InclusionProof {
  entry: LedgerEntry;
  checkpoint: Checkpoint;
  /** The RFC 6962 audit path, leaf level first. */
  proof: Buffer[];
  /** Whether the path leads from the entry's leaf to the checkpoint's signed root. */
  ok: boolean;
}

/** Collects the inclusion proof of entry `seq` in `checkpoint` while the audit's tree grows. */
export class InclusionWatch {
  readonly #seq: number;
  readonly #checkpoint: Checkpoint;
  readonly #ranges: NodeRange[];
  readonly #found = new Map<string, Buffer>();
  readonly #builder: TreeBuilder;
  readonly #stop: () => void;
  #entry: LedgerEntry | undefined;
  #result: InclusionProof | undefined;

  constructor(builder: TreeBuilder, seq: number, checkpoint: Checkpoint) {
    this.#builder = builder;
    this.#seq = seq;
    this.#checkpoint = checkpoint;
    this.#ranges = inclusionProofRanges(seq - 1, checkpoint.size);
    const wanted = new Set(this.#ranges.map(key));
    this.#stop = builder.listen((node) => {
      const id = key({ start: node.start, end: node.start + node.size });
      if (wanted.has(id)) this.#found.set(id, node.hash);
    });
  }

  saw(entry: LedgerEntry): void {
    if (entry.seq === this.#seq) this.#entry = entry;
  }

  /** Called at each trusted checkpoint; the one the proof is for completes it. */
  reached(checkpoint: Checkpoint): void {
    if (checkpoint.size !== this.#checkpoint.size || !this.#entry) return;
    this.#stop();
    const proof = this.#ranges.map(
      (range) => this.#found.get(key(range)) ?? this.#builder.hashOf(range) ?? Buffer.alloc(32),
    );
    const leaf = ledgerLeafHash(this.#entry.hash);
    const ok = verifyInclusion(this.#seq - 1, checkpoint.size, leaf, proof, this.#checkpoint.root);
    this.#result = { entry: this.#entry, checkpoint: this.#checkpoint, proof, ok };
  }

  result(): InclusionProof | undefined {
    return this.#result;
  }
}

const key = ({ start, end }: NodeRange) => `${start}:${end}`;
