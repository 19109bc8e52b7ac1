import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ExampleReader, ExampleVerifier } from './audit-examples.js';
import {
  base64,
  canonical,
  consistencyHolds,
  fileTime,
  hex,
  inclusionHolds,
  leafOf,
  mth,
  ONE,
  path,
  pretty,
  sha256,
  sha256Hex,
  subproof,
} from './doc-rules.js';

/**
 * A verifier written from docs/AUDIT.md alone, with nothing but node:crypto: if the doc leaves out a
 * rule a third party needs, this is where it shows. It imports nothing from src/ on purpose.
 */

// Section 3.
const entryHash = (seq: number, prevHash: string, body: string) =>
  sha256Hex(`mec-ledger/v1\n${seq}\n${prevHash}\n${body}`);

function checkedEntry(read: ExampleReader) {
  const seq = read.count('seq');
  const prevHash = read.one('prevHash');
  const body = read.one('body');
  const hash = read.one('hash');
  expect(seq).toBeGreaterThan(0);
  hex(prevHash);
  if (seq === 1) expect(prevHash).toBe('0'.repeat(64));
  expect(canonical(JSON.parse(body))).toBe(body);
  expect(entryHash(seq, prevHash, body)).toBe(hash);
  return { seq, prevHash, body, hash };
}

/** The ledger leaves of the tree-root example. */
const ledgerLeaves = (tree: ExampleReader) => tree.all('entryHash').map((hash) => leafOf(hex(hash)));
const hexList = (values: readonly Buffer[]) => values.map((value) => value.toString('hex'));

// Section 6.
const NAME = /^[^\s+]+$/;
const keyIdOf = (name: string, type: number, raw: Uint8Array) =>
  sha256(`${name}\n`, Buffer.from([type]), raw)
    .subarray(0, 4)
    .toString('hex');
function verifierKey(vkey: string) {
  const [name = '', keyId = ''] = vkey.split('+', 2);
  const key = base64(vkey.slice(name.length + keyId.length + 2));
  expect(name).toMatch(NAME);
  expect(key.length).toBe(33);
  expect(key[0]).toBe(0x01);
  const raw = key.subarray(1);
  expect(keyIdOf(name, 0x01, raw)).toBe(keyId);
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
  return { name, keyId, publicKey: createPublicKey({ key: spki, format: 'der', type: 'spki' }) };
}
const checkpointText = (origin: string, size: number, rootHex: string) =>
  `${origin}\n${size}\n${hex(rootHex).toString('base64')}\n`;

/** Section 13, as one section without its leading newline. */
function mirrorSection(seq: number, prevHash: string, hash: string, bodyText: string): string {
  const body = JSON.parse(bodyText);
  const inline = (value: unknown) =>
    JSON.stringify(value).replaceAll('`', '\\u0060').replaceAll('<', '\\u003c');
  return [
    `## #${seq} · ${body.at} · ${body.phase} · ${body.action} · ${body.outcome}`,
    '',
    `- actor: ${body.actor === 'mec-bot' ? 'mec-bot' : `<@${body.actor}>`}`,
    `- reason: \`${body.reason}\``,
    `- rollout: ${body.rolloutId ?? '(none)'}`,
    `- before: \`${inline(body.before)}\``,
    `- after: \`${inline(body.after)}\``,
    `- detail: \`${inline(body.detail)}\``,
    `- prevHash: \`${prevHash}\``,
    `- hash: \`${hash}\``,
    `<!-- mec-ledger seq=${seq} hash=${hash} -->`,
    '',
  ].join('\n');
}

const merkleOfLeaves = (leaves: Buffer[]) => mth(leaves.sort(Buffer.compare).map(leafOf)).toString('hex');
const registryRoot = (flags: Record<string, unknown>) =>
  merkleOfLeaves(Object.entries(flags).map(([key, value]) => Buffer.from(`${key}\0${canonical(value)}`)));

const TEST_KEY = 'test/fixtures/ledger-key.pem';

/** One verifier per example label, each recomputing the example from the doc's rules. */
export const DOC_VERIFIER: Record<string, ExampleVerifier> = {
  'canonical-json': ({ read }) => {
    const out = read.one('canonical');
    expect(canonical(JSON.parse(read.one('input')))).toBe(out);
    expect(canonical(JSON.parse(out))).toBe(out);
  },
  'entry-hash': ({ read, other }) => {
    expect(checkedEntry(read).hash).toBe(other('tree-root').all('entryHash')[0]);
  },
  'stored-entry': ({ read, other }) => {
    const { seq, prevHash, hash, body } = checkedEntry(read);
    expect(read.one('stored')).toBe(
      `{"seq":${seq},"prevHash":"${prevHash}","hash":"${hash}","body":${body}}`,
    );
    const chain = other('tree-root').all('entryHash');
    expect([chain[seq - 2], chain[seq - 1]]).toEqual([prevHash, hash]);
  },
  'leaf-hash': ({ read }) => {
    expect(leafOf(hex(read.one('entryHash'))).toString('hex')).toBe(read.one('leaf'));
  },
  'tree-root': ({ read }) => {
    const leaves = ledgerLeaves(read);
    const roots = read.all('prefixRoot');
    expect(roots.map((line) => line.split(' ')[0])).toEqual(leaves.map((_, at) => String(at + 1)));
    expect(roots.map((line) => line.split(' ')[1])).toEqual(
      leaves.map((_, at) => mth(leaves.slice(0, at + 1)).toString('hex')),
    );
  },
  'inclusion-proof': ({ read, other }) => {
    const [seq, size] = [read.count('seq'), read.count('size')];
    const leaves = ledgerLeaves(other('tree-root'));
    expect(size).toBeLessThanOrEqual(leaves.length);
    const tree = leaves.slice(0, size);
    const [leaf, root, proof] = [hex(read.one('leaf')), hex(read.one('root')), read.all('proof').map(hex)];
    expect([leaf, root].map((value) => value.toString('hex'))).toEqual(
      hexList([tree[seq - 1] as Buffer, mth(tree)]),
    );
    expect(hexList(proof)).toEqual(hexList(path(seq - 1, tree)));
    expect(inclusionHolds(seq - 1, size, leaf, proof, root)).toBe(true);
  },
  'consistency-proof': ({ read, other }) => {
    const [oldSize, newSize] = [read.count('oldSize'), read.count('newSize')];
    const leaves = ledgerLeaves(other('tree-root'));
    expect(0 < oldSize && oldSize < newSize && newSize <= leaves.length).toBe(true);
    const [oldRoot, newRoot] = [hex(read.one('oldRoot')), hex(read.one('newRoot'))];
    expect(hexList([oldRoot, newRoot])).toEqual(
      hexList([mth(leaves.slice(0, oldSize)), mth(leaves.slice(0, newSize))]),
    );
    const proof = read.all('proof').map(hex);
    expect(hexList(proof)).toEqual(hexList(subproof(oldSize, leaves.slice(0, newSize), true)));
    expect(consistencyHolds(oldSize, newSize, oldRoot, newRoot, proof)).toBe(true);
  },
  'key-id': ({ read }) => {
    const [name, raw] = [read.one('name'), base64(read.one('publicKey'))];
    expect(raw.length).toBe(32);
    const keyId = keyIdOf(name, 0x01, raw);
    expect(read.one('keyId')).toBe(keyId);
    expect(read.one('verifierKey')).toBe(`${name}+${keyId}+${Buffer.concat([ONE, raw]).toString('base64')}`);
  },
  'checkpoint-note': ({ read, other }) => {
    const [origin, size, root] = [read.one('origin'), read.count('size'), read.one('root')];
    expect(origin).toMatch(NAME);
    expect(read.text()).toBe(checkpointText(origin, size, root));
    expect(`${size} ${root}`).toBe(other('tree-root').all('prefixRoot')[size - 1]);
  },
  'signed-checkpoint': ({ read, other }) => {
    const key = verifierKey(read.one('verifierKey'));
    const note = read.text();
    const at = note.lastIndexOf('\n\n');
    const [text, lines] = [note.slice(0, at + 1), note.slice(at + 2, -1).split('\n')];
    expect(text).toBe(other('checkpoint-note').text());
    const ours = lines.map((line) => {
      expect(line.startsWith('— ')).toBe(true);
      const [name, encoded, ...rest] = line.slice(2).split(' ');
      expect(rest).toEqual([]);
      const bytes = base64(encoded as string);
      return { name, keyId: bytes.subarray(0, 4).toString('hex'), signature: bytes.subarray(4) };
    });
    const byKey = ours.filter((line) => line.name === key.name && line.keyId === key.keyId);
    expect(byKey.length).toBeGreaterThan(0);
    for (const { signature } of byKey)
      expect(verify(null, Buffer.from(text), key.publicKey, signature)).toBe(true);
    // Ed25519 signatures are deterministic: the test key signs the text to the very same bytes.
    const signed = sign(null, Buffer.from(text), createPrivateKey(readFileSync(TEST_KEY, 'utf8')));
    expect(hexList(byKey.map((line) => line.signature))).toEqual([signed.toString('hex')]);
  },
  'artifact-root': ({ read }) => {
    const [paths, contents, digests] = [read.all('path'), read.all('content'), read.all('sha256')];
    expect(digests).toEqual(contents.map((content) => sha256Hex(content)));
    const leaves = paths.map((path, at) => Buffer.from(`${path}\0${digests[at]}`));
    expect(leaves.length).toBe(contents.length);
    expect(merkleOfLeaves(leaves)).toBe(read.one('root'));
  },
  'registry-root': ({ read }) => {
    expect(registryRoot(JSON.parse(read.one('flags')))).toBe(read.one('root'));
  },
  'approval-digest': ({ read, other }) => {
    const parts = ['phase', 'roleId', 'signedAt', 'artifactRoot'].map((name) => read.one(name));
    expect(parts[2]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(parts[3]).toBe(other('artifact-root').one('root'));
    expect(read.one('preimage')).toBe(parts.join(':'));
    expect(sha256Hex(parts.join(':'))).toBe(read.one('digest'));
  },
  'registry-snapshot': ({ read }) => {
    const flags = JSON.parse(read.one('flags'));
    const root = registryRoot(flags);
    const writtenAt = read.one('writtenAt');
    expect(new Date(writtenAt).toISOString()).toBe(writtenAt);
    const takenAt = `${writtenAt.slice(0, 19)}Z`;
    expect(read.one('root')).toBe(root);
    expect(read.one('path')).toBe(`meta/merkle/meta_flags_${fileTime(takenAt)}_${root}.json`);
    expect(read.text()).toBe(pretty({ root, takenAt, flags }));
  },
  'backup-manifest': ({ read }) => {
    const [phase, takenAt, contents] = [read.one('phase'), read.one('takenAt'), read.all('content')];
    expect(new Date(takenAt).toISOString()).toBe(takenAt);
    expect(read.one('dir')).toBe(`artifacts/mec/${phase}/backups/${fileTime(takenAt)}`);
    const files = read
      .all('path')
      .map((path, at) => ({ path, content: contents[at] as string }))
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map(({ path, content }) => ({ path, sha256: sha256Hex(content), bytes: Buffer.byteLength(content) }));
    expect(files.length).toBe(contents.length);
    const manifest = pretty({ phase, takenAt, files });
    expect(read.text()).toBe(manifest);
    expect(sha256Hex(manifest)).toBe(read.one('manifestSha256'));
  },
  'release-record': ({ read }) => {
    const [phase, startedAt, prefix] = [read.one('phase'), read.one('startedAt'), read.one('checksumPrefix')];
    expect(read.one('path')).toBe(`artifacts/mec/${phase}/releases/${phase}-${fileTime(startedAt)}.json`);
    const digest = sha256Hex(read.one('content'));
    expect(digest.startsWith(prefix)).toBe(true);
    const check = {
      name: `checksum ${read.one('checksumPath')}`,
      ok: true,
      detail: `sha256 ${digest.slice(0, 12)}… matches ${prefix}`,
    };
    const record = pretty({ phase, startedAt, passed: true, checks: [check] });
    expect(read.text()).toBe(record);
    expect(sha256Hex(record)).toBe(read.one('sha256'));
  },
  'mirror-section': ({ read }) => {
    const { seq, prevHash, hash, body } = checkedEntry(read);
    expect(read.text()).toBe(mirrorSection(seq, prevHash, hash, body));
  },
  'mirror-section-bot': (context) => DOC_VERIFIER['mirror-section']?.(context),
  'mirror-header': ({ read }) => {
    expect(sha256Hex(read.text())).toBe(read.one('sha256'));
  },
  'redis-keys': ({ read }) => {
    const base = `${read.one('prefix')}{mec}:`;
    expect(read.one('ledgerEntries')).toBe(`${base}ledger:entries`);
    expect(read.one('ledgerHead')).toBe(`${base}ledger:head`);
    expect(read.one('rollout')).toBe(`${base}rollout:${read.one('phase')}`);
    expect(read.one('registryRoot')).toBe(`${base}registry:root`);
    expect(read.one('outbox')).toBe(`${base}outbox`);
  },
};
