import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProofRanges,
  EMPTY_ROOT,
  inclusionProofRanges,
  leafHash,
  ledgerLeafHash,
  type NodeRange,
  ProofCollector,
  proveWhileGrowing,
  TreeBuilder,
  verifyConsistency,
  verifyInclusion,
} from '../../src/domain/log-tree.js';
import { merkleTreeHash } from '../../src/domain/merkle.js';

// The leaves and roots of the RFC 6962 test vectors (certificate-transparency merkle_tree_test).
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const hex = (text: string) => Buffer.from(text, 'hex');

function proofOf(size: number, ranges: NodeRange[], leaves: Buffer[]): Buffer[] {
  const collector = new ProofCollector(size, ranges);
  for (const leaf of leaves.slice(0, size)) collector.builder.push(leafHash(leaf));
  return collector.hashes(ranges);
}

const leavesOf = (count: number) =>
  Array.from({ length: count }, (_, index) => Buffer.from(`entry ${index}`));

describe('ledgerLeafHash', () => {
  it('is SHA-256 of 0x00 and the 32 bytes of the entry hash, call after call', () => {
    const hashes = ['00'.repeat(32), 'ff'.repeat(32), createHash('sha256').update('x').digest('hex')];
    for (const entryHash of [...hashes, ...hashes.reverse()]) {
      const expected = createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), Buffer.from(entryHash, 'hex')]))
        .digest();
      expect(ledgerLeafHash(entryHash)).toEqual(expected);
    }
    // Text that is not 64 hex digits hashes what Buffer.from makes of it, as before.
    for (const odd of ['abc', `${'0'.repeat(62)}zz`])
      expect(ledgerLeafHash(odd)).toEqual(leafHash(Buffer.from(odd, 'hex')));
  });
});

describe('TreeBuilder', () => {
  it('gives the RFC 6962 roots for the test vectors, one leaf at a time', () => {
    const tree = new TreeBuilder();
    expect(tree.root()).toEqual(EMPTY_ROOT);
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    LEAVES.forEach((leaf, index) => {
      tree.push(leafHash(hex(leaf)));
      expect(tree.root().toString('hex'), `size ${index + 1}`).toBe(ROOTS[index]);
    });
  });

  it('agrees with the recursive tree hash at every size up to 70', () => {
    const leaves = leavesOf(70);
    const tree = new TreeBuilder();
    for (let size = 1; size <= leaves.length; size += 1) {
      tree.push(leafHash(leaves[size - 1] as Buffer));
      expect(tree.root().toString('hex')).toBe(merkleTreeHash(leaves.slice(0, size)));
    }
  });

  it('clones into a tree that grows without touching the original', () => {
    const tree = new TreeBuilder();
    for (const leaf of leavesOf(5)) tree.push(leafHash(leaf));
    const before = tree.root();
    const copy = tree.clone();
    copy.push(leafHash(Buffer.from('more')));
    expect(tree.root()).toEqual(before);
    expect(copy.size).toBe(6);
  });
});

describe('consistency proofs', () => {
  it('verify the RFC 6962 vector from size 2 to size 5', () => {
    const proof = [
      hex('5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e'),
      hex('bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'),
    ];
    expect(verifyConsistency(2, 5, hex(ROOTS[1] as string), hex(ROOTS[4] as string), proof)).toBe(true);
    expect(proofOf(5, consistencyProofRanges(2, 5), LEAVES.map(hex))).toEqual(proof);
  });

  it('are built and verified between every pair of sizes up to 33, and fail once changed', () => {
    const leaves = leavesOf(33);
    const roots = [EMPTY_ROOT];
    const tree = new TreeBuilder();
    for (const leaf of leaves) {
      tree.push(leafHash(leaf));
      roots.push(tree.root());
    }
    for (let newSize = 1; newSize <= 33; newSize += 1) {
      for (let oldSize = 1; oldSize <= newSize; oldSize += 1) {
        const proof = proofOf(newSize, consistencyProofRanges(oldSize, newSize), leaves);
        const [oldRoot, newRoot] = [roots[oldSize] as Buffer, roots[newSize] as Buffer];
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof), `${oldSize}→${newSize}`).toBe(
          true,
        );
        // Another old root, another new root, or any node changed: the proof fails.
        expect(verifyConsistency(oldSize, newSize, roots[oldSize - 1] as Buffer, newRoot, proof)).toBe(false);
        if (oldSize < newSize) {
          expect(verifyConsistency(oldSize, newSize, oldRoot, roots[newSize - 1] as Buffer, proof)).toBe(
            false,
          );
          for (let index = 0; index < proof.length; index += 1) {
            const bent = proof.map((node, at) => (at === index ? leafHash(node) : node));
            expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, bent)).toBe(false);
          }
        }
      }
    }
  });
});

describe('proofs made while the tree grows', () => {
  it('match the proofs of a full pass, from every size to every larger one up to 40', () => {
    const leaves = leavesOf(40);
    for (let oldSize = 0; oldSize <= 40; oldSize += 1) {
      for (let newSize = oldSize; newSize <= 40; newSize += 1) {
        const tree = new TreeBuilder();
        for (const leaf of leaves.slice(0, oldSize)) tree.push(leafHash(leaf));
        const oldRoot = tree.root();
        const proof = proveWhileGrowing(tree, newSize);
        for (const leaf of leaves.slice(oldSize, newSize)) tree.push(leafHash(leaf));
        const made = proof();
        expect(made).toEqual(proofOf(newSize, consistencyProofRanges(oldSize, newSize), leaves));
        expect(verifyConsistency(oldSize, newSize, oldRoot, tree.root(), made)).toBe(true);
      }
    }
  });
});

describe('TreeBuilder.resume', () => {
  it('goes on from a frontier as the builder it was taken from: its roots and its proofs from there', () => {
    const leaves = leavesOf(40).map((leaf) => leafHash(leaf));
    for (let oldSize = 0; oldSize <= 40; oldSize += 1) {
      const original = new TreeBuilder();
      for (const leaf of leaves.slice(0, oldSize)) original.push(leaf);
      const resumed = TreeBuilder.resume(oldSize, original.frontier());
      expect(resumed.size).toBe(oldSize);
      expect(resumed.root()).toEqual(original.root());
      const newSize = Math.min(40, oldSize + 1 + (oldSize % 7) * 3);
      const proofs = [original, resumed].map((tree) => proveWhileGrowing(tree, newSize));
      for (const leaf of leaves.slice(oldSize, newSize))
        for (const tree of [original, resumed]) tree.push(leaf);
      expect(resumed.root()).toEqual(original.root());
      expect(proofs[1]?.()).toEqual(proofs[0]?.());
    }
  });
});

describe('inclusion proofs', () => {
  it('are built and verified for every leaf of every tree up to 33 leaves, and fail once changed', () => {
    const leaves = leavesOf(33);
    for (let size = 1; size <= 33; size += 1) {
      const root = hex(merkleTreeHash(leaves.slice(0, size)));
      for (let index = 0; index < size; index += 1) {
        const proof = proofOf(size, inclusionProofRanges(index, size), leaves);
        const leaf = leafHash(leaves[index] as Buffer);
        expect(verifyInclusion(index, size, leaf, proof, root), `${index} of ${size}`).toBe(true);
        expect(verifyInclusion(index, size, leafHash(Buffer.from('other')), proof, root)).toBe(false);
        if (size > 1) expect(verifyInclusion((index + 1) % size, size, leaf, proof, root)).toBe(false);
      }
    }
  });
});
