import { hash } from 'node:crypto';
import { MecError } from './errors.js';

/**
 * The ledger's Merkle log, after RFC 9162 section 2.1 (the RFC 6962 tree): leaf hashes
 * SHA-256(0x00 || leaf), interior nodes SHA-256(0x01 || left || right), the left subtree of n leaves
 * holding the largest power of two smaller than n. Hashes are 32-byte Buffers throughout.
 */

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

const sha256 = (data: Uint8Array): Buffer => hash('sha256', data, 'buffer');

/** MTH({}): the root of the empty tree. */
export const EMPTY_ROOT = sha256(Buffer.alloc(0));

export function leafHash(leaf: Uint8Array): Buffer {
  return sha256(Buffer.concat([LEAF, leaf]));
}

// Verify hashes two tree nodes per entry; writing them into one reused buffer spares two buffers
// and a concat each. Safe to share: hashing is synchronous and nothing keeps the buffer.
const NODE_INPUT = Buffer.alloc(1 + 32 + 32, NODE);
const LEAF_INPUT = Buffer.alloc(1 + 32, LEAF);

function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) return sha256(Buffer.concat([NODE, left, right]));
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 33);
  return sha256(NODE_INPUT);
}

/** The ledger tree's leaf for an entry: the 32 bytes of the entry's hash (the hex `hash` field). */
export function ledgerLeafHash(entryHashHex: string): Buffer {
  // A hash field is 64 hex digits (parseStoredEntry checks); anything else takes the general path.
  if (entryHashHex.length !== 64 || LEAF_INPUT.write(entryHashHex, 1, 'hex') !== 32)
    return leafHash(Buffer.from(entryHashHex, 'hex'));
  return sha256(LEAF_INPUT);
}

/** A subtree `[start, start + size)` of the tree, with its hash. */
interface Subtree {
  start: number;
  size: number;
  hash: Buffer;
}

/** A range `[start, end)` whose hash a proof needs. */
export interface NodeRange {
  start: number;
  end: number;
}

type SubtreeListener = (node: Subtree) => void;

/**
 * A tree built leaf by leaf in O(log n) memory: the perfect subtrees the leaves so far decompose into
 * (a compact range). A listener sees every perfect subtree as it completes, which is how a proof's
 * nodes are collected in one pass over the leaves.
 */
export class TreeBuilder {
  readonly #stack: Subtree[] = [];
  #size = 0;
  readonly #listeners = new Set<SubtreeListener>();

  /** Calls `listener` with every perfect subtree completed from now on; returns how to stop. */
  listen(listener: SubtreeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #completed(node: Subtree): void {
    for (const listener of this.#listeners) listener(node);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds the next leaf, given as its leaf hash. */
  push(leaf: Buffer): void {
    let node: Subtree = { start: this.#size, size: 1, hash: leaf };
    this.#size += 1;
    this.#completed(node);
    let top = this.#stack.at(-1);
    while (top && top.size === node.size) {
      this.#stack.pop();
      node = { start: top.start, size: top.size * 2, hash: nodeHash(top.hash, node.hash) };
      this.#completed(node);
      top = this.#stack.at(-1);
    }
    this.#stack.push(node);
  }

  /** The tree hash of all leaves so far. */
  root(): Buffer {
    return this.rootFrom(0);
  }

  /**
   * The hash of `[start, size)`, where `start` is where one of the completed subtrees begins: the right
   * edge of the tree, as a proof names it.
   */
  rootFrom(start: number): Buffer {
    let root: Buffer | undefined;
    for (let index = this.#stack.length - 1; index >= 0; index -= 1) {
      const node = this.#stack[index] as Subtree;
      if (node.start < start) break;
      root = root ? nodeHash(node.hash, root) : node.hash;
    }
    return root ?? EMPTY_ROOT;
  }

  /**
   * The hash of a range the current tree holds whole: one of its completed subtrees, or a range on its
   * right edge. Undefined for any other range, whose hash the compact range no longer has.
   */
  hashOf({ start, end }: NodeRange): Buffer | undefined {
    if (end === this.#size) return this.rootFrom(start);
    return this.#stack.find((node) => node.start === start && node.start + node.size === end)?.hash;
  }

  /**
   * The hashes of the completed subtrees, leftmost (the largest) first. With the size they are all the
   * builder keeps: `resume` goes on from them.
   */
  frontier(): Buffer[] {
    return this.#stack.map((node) => node.hash);
  }

  /**
   * A builder that goes on from the `frontier` a builder of `size` leaves had, as if it had pushed
   * them all: the same roots, and the same nodes from then on.
   */
  static resume(size: number, frontier: readonly Buffer[]): TreeBuilder {
    const builder = new TreeBuilder();
    // The subtrees of a tree of `size` leaves are the powers of two `size` is the sum of, largest first.
    let power = 1;
    while (power * 2 <= size) power *= 2;
    let start = 0;
    for (; power >= 1 && start < size; power /= 2) {
      if (size - start < power) continue;
      const hash = frontier[builder.#stack.length];
      if (hash?.length !== 32) break;
      builder.#stack.push({ start, size: power, hash });
      start += power;
    }
    if (!Number.isSafeInteger(size) || start !== size || builder.#stack.length !== frontier.length)
      throw new MecError(
        'invariant_violated',
        `a frontier of ${frontier.length} hashes is not the compact range of a tree of ${size} leaves`,
      );
    builder.#size = size;
    return builder;
  }

  /** A copy that grows on its own from here, for a writer that must not disturb the original. */
  clone(): TreeBuilder {
    const copy = new TreeBuilder();
    copy.#stack.push(...this.#stack.map((node) => ({ ...node })));
    copy.#size = this.#size;
    return copy;
  }
}

const largestPowerOfTwoBelow = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** The nodes of the inclusion proof of leaf `index` in a tree of `size` leaves, leaf level first. */
export function inclusionProofRanges(index: number, size: number): NodeRange[] {
  const path = (m: number, start: number, end: number): NodeRange[] => {
    const n = end - start;
    if (n <= 1) return [];
    const k = largestPowerOfTwoBelow(n);
    return m < k
      ? [...path(m, start, start + k), { start: start + k, end }]
      : [...path(m - k, start + k, end), { start, end: start + k }];
  };
  return path(index, 0, size);
}

/** The nodes of the consistency proof from the tree of `oldSize` leaves to the one of `newSize`. */
export function consistencyProofRanges(oldSize: number, newSize: number): NodeRange[] {
  if (oldSize <= 0 || oldSize >= newSize) return [];
  const subproof = (m: number, start: number, end: number, whole: boolean): NodeRange[] => {
    const n = end - start;
    if (m === n) return whole ? [] : [{ start, end }];
    const k = largestPowerOfTwoBelow(n);
    return m <= k
      ? [...subproof(m, start, start + k, whole), { start: start + k, end }]
      : [...subproof(m - k, start + k, end, false), { start, end: start + k }];
  };
  return subproof(oldSize, 0, newSize, true);
}

/**
 * Collects the hashes of given node ranges while a tree of `size` leaves is built: a perfect subtree
 * when it completes, a range on the right edge from the finished tree. Memory grows with the ranges
 * asked for, never with the leaves.
 */
export class ProofCollector {
  readonly builder = new TreeBuilder();
  readonly #wanted = new Map<string, Buffer | undefined>();
  readonly #size: number;

  constructor(size: number, ranges: Iterable<NodeRange>) {
    this.#size = size;
    for (const range of ranges) this.#wanted.set(key(range), undefined);
    this.builder.listen((node) => {
      const id = `${node.start}:${node.start + node.size}`;
      if (this.#wanted.has(id)) this.#wanted.set(id, node.hash);
    });
  }

  /** The hashes of `ranges`, in order, once all `size` leaves are pushed. */
  hashes(ranges: readonly NodeRange[]): Buffer[] {
    if (this.builder.size !== this.#size)
      throw new MecError(
        'invariant_violated',
        `the tree has ${this.builder.size} leaves, not the ${this.#size} the proof is for`,
      );
    return ranges.map((range) => {
      const found = this.#wanted.get(key(range)) ?? this.builder.hashOf(range);
      if (found) return found;
      throw new MecError('invariant_violated', `no hash collected for [${range.start}, ${range.end})`);
    });
  }
}

/**
 * Starts the consistency proof from `builder`'s current size to `newSize`, to be read once the builder
 * has grown to `newSize`. The nodes left of the old size come from the compact range now; those right
 * of it are caught as they complete. So a writer that extends its tree proves each step for the cost
 * of the step, and verify proves each checkpoint from the one before in a single pass.
 */
export function proveWhileGrowing(builder: TreeBuilder, newSize: number): () => Buffer[] {
  const oldSize = builder.size;
  const ranges = consistencyProofRanges(oldSize, newSize);
  const known = new Map<string, Buffer>();
  for (const range of ranges) {
    if (range.end > oldSize) continue;
    const found = builder.hashOf(range);
    if (!found)
      throw new MecError(
        'invariant_violated',
        `the compact range of ${oldSize} leaves lacks [${range.start}, ${range.end})`,
      );
    known.set(key(range), found);
  }
  const wanted = new Set(ranges.filter((range) => range.start >= oldSize).map(key));
  const stop = builder.listen((node) => {
    const id = `${node.start}:${node.start + node.size}`;
    if (wanted.has(id)) known.set(id, node.hash);
  });
  return () => {
    stop();
    if (builder.size !== newSize)
      throw new MecError(
        'invariant_violated',
        `the tree has ${builder.size} leaves, not the ${newSize} the proof is for`,
      );
    return ranges.map((range) => {
      const found = known.get(key(range)) ?? builder.hashOf(range);
      if (!found)
        throw new MecError('invariant_violated', `no hash collected for [${range.start}, ${range.end})`);
      return found;
    });
  };
}

const key = ({ start, end }: NodeRange) => `${start}:${end}`;

const isOdd = (n: number) => n % 2 === 1;

/** RFC 9162 section 2.1.3.2: whether `proof` puts the leaf at `index` in the tree with `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let hashed = leaf;
  for (const node of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      hashed = nodeHash(node, hashed);
      while (!isOdd(fn) && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      hashed = nodeHash(hashed, node);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hashed.equals(root);
}

/**
 * RFC 9162 section 2.1.4.2: whether `proof` shows that the tree of `newSize` leaves with `newRoot`
 * extends the one of `oldSize` leaves with `oldRoot`.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Buffer,
  newRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (oldSize < 0 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  if (oldSize === 0) return proof.length === 0;
  const path = (oldSize & (oldSize - 1)) === 0 ? [oldRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Buffer;
  let sr = path[0] as Buffer;
  for (const node of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(node, fr);
      sr = nodeHash(node, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, node);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}
