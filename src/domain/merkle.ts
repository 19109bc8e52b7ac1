import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/**
 * The Merkle Tree Hash of RFC 6962 section 2.1 over the leaves in the order given, as lowercase hex.
 * MTH({}) = SHA-256(); a leaf is SHA-256(0x00 || d); a node is SHA-256(0x01 || left || right), where the
 * left subtree holds the largest power of two smaller than n leaves.
 */
export function merkleTreeHash(leaves: readonly Uint8Array[]): string {
  return subtreeHash(leaves, 0, leaves.length).toString('hex');
}

function subtreeHash(leaves: readonly Uint8Array[], start: number, end: number): Buffer {
  const count = end - start;
  if (count === 0) return sha256();
  if (count === 1) return sha256(LEAF_PREFIX, leaves[start] as Uint8Array);
  let split = 1;
  while (split * 2 < count) split *= 2;
  return sha256(
    NODE_PREFIX,
    subtreeHash(leaves, start, start + split),
    subtreeHash(leaves, start + split, end),
  );
}

/** A release artifact as it enters the artifact root: its workspace-relative POSIX path and content digest. */
export interface ArtifactDigest {
  path: string;
  sha256: string;
}

/** The artifact Merkle root: one leaf `<path>\0<sha256 hex>` per file, sorted by the path's bytes. */
export function artifactMerkleRoot(artifacts: readonly ArtifactDigest[]): string {
  const leaves = artifacts.map(({ path, sha256: digest }) => Buffer.from(`${path}\0${digest}`, 'utf8'));
  return merkleTreeHash(sortByPathBytes(leaves));
}

/** The feature-registry root: one leaf `<flag key>\0<canonical JSON of the flag>` per flag, sorted by key. */
export function registryMerkleRoot(flags: Readonly<Record<string, unknown>>): string {
  const leaves = Object.entries(flags).map(([key, flag]) =>
    Buffer.from(`${key}\0${canonicalJson(flag)}`, 'utf8'),
  );
  return merkleTreeHash(sortByPathBytes(leaves));
}

// Sorting the encoded leaves by bytes sorts by the key first, because the key is followed by NUL,
// which is smaller than every byte a key can contain.
function sortByPathBytes(leaves: Buffer[]): Buffer[] {
  return leaves.sort(Buffer.compare);
}
