import { createPublicKey } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { takeBackup, verifyBackup } from '../../src/adapters/files/backup-store.js';
import { FileFlagRegistry } from '../../src/adapters/files/file-flag-registry.js';
import { FileReleaseFiles } from '../../src/adapters/files/file-release-files.js';
import {
  MarkdownLedgerMirror,
  MIRROR_HEADER,
  MIRROR_PATH,
} from '../../src/adapters/files/markdown-ledger-mirror.js';
import { artifactRootOf } from '../../src/adapters/files/workspace-artifacts.js';
import { Ed25519CheckpointSigner } from '../../src/adapters/node-crypto/ed25519-checkpoint-signer.js';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { runPreflight } from '../../src/app/preflight.js';
import { approvalDigest } from '../../src/domain/approval-digest.js';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import { ChainWalker } from '../../src/domain/chain-walker.js';
import {
  checkpointText,
  formatNote,
  keyIdOf,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  rawPublicKey,
  verifierKeyOf,
  verifyNote,
} from '../../src/domain/checkpoint-note.js';
import { ledgerEntryHash } from '../../src/domain/ledger-entry.js';
import {
  inclusionProofRanges,
  ledgerLeafHash,
  ProofCollector,
  proveWhileGrowing,
  TreeBuilder,
  verifyConsistency,
  verifyInclusion,
} from '../../src/domain/log-tree.js';
import { registryMerkleRoot } from '../../src/domain/merkle.js';
import { sha256Hex } from '../../src/domain/sha256.js';
import { entryOf, parseStoredEntry, storedEntryText } from '../../src/domain/stored-entry.js';
import { testLedgerKey } from '../support/ledger-key.js';
import type { ExampleReader, ExampleVerifier } from './audit-examples.js';

/** The same examples recomputed by the bot's own functions and adapters, so the doc matches the code. */

/** A fresh workspace folder for `work`, removed after it. */
async function inWorkspace<T>(work: (workspace: string) => Promise<T>): Promise<T> {
  const workspace = await mkdtemp(join(tmpdir(), 'mec-audit-doc-'));
  try {
    return await work(workspace);
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

async function writeFiles(workspace: string, files: ReadonlyArray<{ path: string; content: string }>) {
  for (const { path, content } of files) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
}

const pathsWithContent = (read: ExampleReader) => {
  const contents = read.all('content');
  return read.all('path').map((path, at) => ({ path, content: contents[at] as string }));
};

function entryOfExample(read: ExampleReader) {
  const stored = {
    seq: read.count('seq'),
    prevHash: read.one('prevHash'),
    hash: read.one('hash'),
    bodyText: read.one('body'),
  };
  expect(canonicalJson(JSON.parse(stored.bodyText))).toBe(stored.bodyText);
  const walker = new ChainWalker({ seq: stored.seq - 1, hash: stored.prevHash });
  const text = storedEntryText(stored.seq, stored.prevHash, stored.hash, stored.bodyText);
  expect(walker.next(text).ok).toBe(true);
  return { stored, text };
}

const ledgerLeaves = (tree: ExampleReader) => tree.all('entryHash').map(ledgerLeafHash);
const hexes = (values: readonly Buffer[]) => values.map((value) => value.toString('hex'));

export const CODE_VERIFIER: Record<string, ExampleVerifier> = {
  'canonical-json': ({ read }) => {
    expect(canonicalJson(JSON.parse(read.one('input')))).toBe(read.one('canonical'));
  },
  'entry-hash': ({ read }) => {
    const { stored } = entryOfExample(read);
    expect(ledgerEntryHash(stored.seq, stored.prevHash, stored.bodyText)).toBe(stored.hash);
  },
  'stored-entry': ({ read }) => {
    const { stored, text } = entryOfExample(read);
    expect(read.one('stored')).toBe(text);
    expect(parseStoredEntry(read.one('stored'))).toEqual(stored);
  },
  'leaf-hash': ({ read }) => {
    expect(ledgerLeafHash(read.one('entryHash')).toString('hex')).toBe(read.one('leaf'));
  },
  'tree-root': ({ read }) => {
    const builder = new TreeBuilder();
    const roots = ledgerLeaves(read).map((leaf) => {
      builder.push(leaf);
      return `${builder.size} ${builder.root().toString('hex')}`;
    });
    expect(read.all('prefixRoot')).toEqual(roots);
  },
  'inclusion-proof': ({ read, other }) => {
    const [seq, size] = [read.count('seq'), read.count('size')];
    const leaves = ledgerLeaves(other('tree-root')).slice(0, size);
    const ranges = inclusionProofRanges(seq - 1, size);
    const collector = new ProofCollector(size, ranges);
    for (const leaf of leaves) collector.builder.push(leaf);
    const proof = collector.hashes(ranges);
    expect(hexes(proof)).toEqual(read.all('proof'));
    expect(hexes([leaves[seq - 1] as Buffer, collector.builder.root()])).toEqual([
      read.one('leaf'),
      read.one('root'),
    ]);
    expect(verifyInclusion(seq - 1, size, leaves[seq - 1] as Buffer, proof, collector.builder.root())).toBe(
      true,
    );
  },
  'consistency-proof': ({ read, other }) => {
    const [oldSize, newSize] = [read.count('oldSize'), read.count('newSize')];
    const leaves = ledgerLeaves(other('tree-root'));
    const builder = new TreeBuilder();
    for (const leaf of leaves.slice(0, oldSize)) builder.push(leaf);
    const oldRoot = builder.root();
    const prove = proveWhileGrowing(builder, newSize);
    for (const leaf of leaves.slice(oldSize, newSize)) builder.push(leaf);
    const proof = prove();
    expect(hexes([oldRoot, builder.root()])).toEqual([read.one('oldRoot'), read.one('newRoot')]);
    expect(hexes(proof)).toEqual(read.all('proof'));
    expect(verifyConsistency(oldSize, newSize, oldRoot, builder.root(), proof)).toBe(true);
  },
  'key-id': ({ read }) => {
    const [name, publicKey] = [read.one('name'), createPublicKey(testLedgerKey())];
    expect(rawPublicKey(publicKey).toString('base64')).toBe(read.one('publicKey'));
    expect(keyIdOf(name, rawPublicKey(publicKey))).toBe(read.one('keyId'));
    expect(verifierKeyOf(name, publicKey)).toBe(read.one('verifierKey'));
    expect(parseVerifierKey(read.one('verifierKey')).keyId).toBe(read.one('keyId'));
  },
  'checkpoint-note': ({ read }) => {
    const checkpoint = {
      origin: read.one('origin'),
      size: read.count('size'),
      root: Buffer.from(read.one('root'), 'hex'),
    };
    expect(read.text()).toBe(checkpointText(checkpoint));
    expect(parseCheckpoint(read.text())).toEqual(checkpoint);
  },
  'signed-checkpoint': ({ read }) => {
    const verifier = parseVerifierKey(read.one('verifierKey'));
    const note = parseNote(read.text());
    expect(verifyNote(note, verifier)).toBe(true);
    const signer = new Ed25519CheckpointSigner(verifier.name, testLedgerKey());
    expect(signer.verifierKey).toBe(read.one('verifierKey'));
    const signature = { name: signer.name, keyId: signer.keyId, signature: signer.sign(note.text) };
    expect(formatNote({ text: note.text, signatures: [signature] })).toBe(read.text());
  },
  'artifact-root': ({ read }) =>
    inWorkspace(async (workspace) => {
      const files = pathsWithContent(read);
      await writeFiles(workspace, files);
      const { root, artifacts } = await artifactRootOf(
        workspace,
        files.map(({ path }) => path),
      );
      expect(artifacts.map(({ sha256 }) => sha256)).toEqual(read.all('sha256'));
      expect(root).toBe(read.one('root'));
    }),
  'registry-root': ({ read }) => {
    expect(registryMerkleRoot(JSON.parse(read.one('flags')))).toBe(read.one('root'));
  },
  'approval-digest': ({ read }) => {
    const [phase, roleId, signedAt, artifactRoot] = ['phase', 'roleId', 'signedAt', 'artifactRoot'].map(
      (name) => read.one(name),
    ) as [string, string, string, string];
    expect(approvalDigest({ phase, roleId, signedAt, artifactRoot })).toBe(read.one('digest'));
    expect(sha256Hex(read.one('preimage'))).toBe(read.one('digest'));
  },
  'registry-snapshot': ({ read }) =>
    inWorkspace(async (workspace) => {
      await mkdir(join(workspace, 'meta'));
      const registry = new FileFlagRegistry(workspace, 'meta/meta_flags.json');
      const written = await registry.write(JSON.parse(read.one('flags')), new Date(read.one('writtenAt')));
      expect(written).toEqual({ root: read.one('root'), snapshot: read.one('path') });
      expect(await readFile(join(workspace, written.snapshot), 'utf8')).toBe(read.text());
    }),
  'backup-manifest': ({ read }) =>
    inWorkspace(async (workspace) => {
      const files = pathsWithContent(read);
      await writeFiles(workspace, files);
      const paths = files.map(({ path }) => path);
      const backup = await takeBackup(workspace, read.one('phase'), paths, new Date(read.one('takenAt')));
      expect([backup.dir, backup.sha256]).toEqual([read.one('dir'), read.one('manifestSha256')]);
      expect(await readFile(join(workspace, backup.dir, 'manifest.json'), 'utf8')).toBe(read.text());
      expect((await verifyBackup(workspace, backup.dir)).ok).toBe(true);
    }),
  'release-record': ({ read }) =>
    inWorkspace(async (workspace) => {
      const path = read.one('checksumPath');
      await writeFiles(workspace, [{ path, content: read.one('content') }]);
      const settings = {
        phase: read.one('phase'),
        roles: [],
        preflight: {
          commands: [],
          checksums: [{ path, sha256Prefix: read.one('checksumPrefix') }],
          contacts: [],
        },
      };
      const commands = {
        run: () => Promise.reject(new Error('the example configures no commands')),
      };
      const deps = { settings, files: new FileReleaseFiles(workspace, []), commands, directory: undefined };
      const report = await runPreflight(deps, new Date(read.one('startedAt')));
      expect([report.record, report.sha256]).toEqual([read.one('path'), read.one('sha256')]);
      expect(await readFile(join(workspace, report.record), 'utf8')).toBe(read.text());
    }),
  'mirror-section': ({ read, other }) =>
    inWorkspace(async (workspace) => {
      const { stored } = entryOfExample(read);
      await new MarkdownLedgerMirror(workspace).append([entryOf(stored)]);
      expect(await readFile(join(workspace, MIRROR_PATH), 'utf8')).toBe(
        `${other('mirror-header').text()}\n${read.text()}`,
      );
    }),
  'mirror-section-bot': (context) => CODE_VERIFIER['mirror-section']?.(context),
  'mirror-header': ({ read }) => {
    expect(read.text()).toBe(MIRROR_HEADER);
    expect(sha256Hex(MIRROR_HEADER)).toBe(read.one('sha256'));
  },
  'redis-keys': ({ read }) => {
    const keys = redisKeys(read.one('prefix'));
    expect({
      ledgerEntries: keys.ledgerEntries,
      ledgerHead: keys.ledgerHead,
      rollout: keys.rollout(read.one('phase')),
      registryRoot: keys.registryRoot,
      outbox: keys.outbox,
    }).toEqual(
      Object.fromEntries(
        ['ledgerEntries', 'ledgerHead', 'rollout', 'registryRoot', 'outbox'].map((name) => [
          name,
          read.one(name),
        ]),
      ),
    );
  },
};
