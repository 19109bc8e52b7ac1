import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { artifactMerkleRoot, merkleTreeHash, registryMerkleRoot } from '../../src/domain/merkle.js';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (data: Buffer) => sha(Buffer.from([0]), data);
const nodeHash = (left: Buffer, right: Buffer) => sha(Buffer.from([1]), left, right);

/**
 * An independent computation of the RFC 6962 tree hash: level by level from the leaves, carrying an
 * unpaired last node up unchanged. It gives the same tree as the RFC's recursive split.
 */
function bottomUp(leaves: Buffer[]): string {
  if (leaves.length === 0) return sha().toString('hex');
  let level: Buffer[] = leaves.map(leafHash);
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Buffer;
      const right = level[i + 1];
      up.push(right ? nodeHash(left, right) : left);
    }
    level = up;
  }
  return (level[0] as Buffer).toString('hex');
}

const leavesOf = (count: number) => Array.from({ length: count }, (_, i) => Buffer.from(`leaf-${i}`));

describe('merkleTreeHash (RFC 6962)', () => {
  it.each([0, 1, 2, 3, 5, 8])('matches an independent bottom-up computation for %d leaves', (count) => {
    const leaves = leavesOf(count);
    expect(merkleTreeHash(leaves)).toBe(bottomUp(leaves));
  });

  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(merkleTreeHash([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('builds a 3-leaf tree as node(node(l0, l1), l2), written out by hand', () => {
    const [l0, l1, l2] = leavesOf(3) as [Buffer, Buffer, Buffer];
    const expected = nodeHash(nodeHash(leafHash(l0), leafHash(l1)), leafHash(l2)).toString('hex');
    expect(merkleTreeHash([l0, l1, l2])).toBe(expected);
  });

  it('builds a 5-leaf tree as node(node(node(l0,l1), node(l2,l3)), l4), written out by hand', () => {
    const l = leavesOf(5).map(leafHash) as [Buffer, Buffer, Buffer, Buffer, Buffer];
    const expected = nodeHash(nodeHash(nodeHash(l[0], l[1]), nodeHash(l[2], l[3])), l[4]).toString('hex');
    expect(merkleTreeHash(leavesOf(5))).toBe(expected);
  });

  it('separates leaves from nodes, so a leaf cannot pose as an inner node', () => {
    const [l0, l1] = leavesOf(2) as [Buffer, Buffer];
    const forged = Buffer.concat([leafHash(l0), leafHash(l1)]);
    expect(merkleTreeHash([forged])).not.toBe(merkleTreeHash([l0, l1]));
  });
});

describe('artifactMerkleRoot', () => {
  const files = [
    { path: 'telemetry/schema/meta_v1.json', sha256: '5'.repeat(64) },
    { path: 'artifacts/mec/M6/determinism_manifest.json', sha256: 'd'.repeat(64) },
  ];

  it('uses one leaf `<path>\\0<sha256>` per file, sorted by path', () => {
    const expected = bottomUp([
      Buffer.from(`artifacts/mec/M6/determinism_manifest.json\0${'d'.repeat(64)}`),
      Buffer.from(`telemetry/schema/meta_v1.json\0${'5'.repeat(64)}`),
    ]);
    expect(artifactMerkleRoot(files)).toBe(expected);
  });

  it('does not depend on the order the files are listed in', () => {
    expect(artifactMerkleRoot([...files].reverse())).toBe(artifactMerkleRoot(files));
  });

  it('changes when any file changes', () => {
    const changed = [files[0], { ...files[1], sha256: 'e'.repeat(64) }] as typeof files;
    expect(artifactMerkleRoot(changed)).not.toBe(artifactMerkleRoot(files));
  });
});

describe('registryMerkleRoot', () => {
  it('uses one leaf `<key>\\0<canonical JSON>` per flag, sorted by key', () => {
    const flags = { meta_prod: { weight: 0, mode: 'shadow' }, alpha: true };
    const expected = bottomUp([
      Buffer.from('alpha\0true'),
      Buffer.from('meta_prod\0{"mode":"shadow","weight":0}'),
    ]);
    expect(registryMerkleRoot(flags)).toBe(expected);
  });

  it('sorts a key before its extensions (meta < meta_prod)', () => {
    const expected = bottomUp([Buffer.from('meta\x001'), Buffer.from('meta_prod\x002')]);
    expect(registryMerkleRoot({ meta_prod: 2, meta: 1 })).toBe(expected);
  });
});
