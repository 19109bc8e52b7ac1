import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointFile } from '../../src/adapters/files/checkpoint-file.js';
import { CosignatureFile } from '../../src/adapters/files/cosignature-file.js';
import { MarkdownLedgerMirror, MIRROR_PATH } from '../../src/adapters/files/markdown-ledger-mirror.js';
import { HttpWitness } from '../../src/adapters/http/witness-client.js';
import { Ed25519CheckpointSigner } from '../../src/adapters/node-crypto/ed25519-checkpoint-signer.js';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { RedisLedger } from '../../src/adapters/redis/redis-ledger.js';
import { RedisTrafficLock } from '../../src/adapters/redis/redis-lock.js';
import { type AnchorDeps, LedgerAnchor } from '../../src/app/anchor-ledger.js';
import { auditLedger } from '../../src/app/audit-ledger.js';
import type { LedgerPrefixWalker } from '../../src/app/ports/ledger-prefix-walker.js';
import { walkLedgerPrefix } from '../../src/app/walk-ledger-prefix.js';
import { parseCheckpoint, parseNote, parseVerifierKey } from '../../src/domain/checkpoint-note.js';
import { parseCosignatureVerifierKey, verifyCosignature } from '../../src/domain/cosignature.js';
import { MecError } from '../../src/domain/errors.js';
import { ledgerEntryHash } from '../../src/domain/ledger-entry.js';
import { parseStoredEntry, storedEntryText } from '../../src/domain/stored-entry.js';
import { TEST_LEDGER_KEY_PATH, testLedgerKey } from '../support/ledger-key.js';
import { TAMPERINGS } from '../support/ledger-tampering.js';
import { useTestRedis } from '../support/redis.js';
import { startWitnessStandIn } from '../support/witness-stand-in.js';
import { copyExampleWorkspace } from '../support/workspace.js';
import { body } from './ports/rollout-store.contract.js';

const testRedis = useTestRedis();
const ORIGIN = 'mec.example.com/release-ledger';

async function setup() {
  const { prefix, connect } = testRedis();
  const workspace = await copyExampleWorkspace();
  const errors: Error[] = [];
  const make = (overrides: Partial<AnchorDeps> = {}) => {
    const redis = connect();
    return {
      ledger: new RedisLedger(redis, prefix),
      anchor: new LedgerAnchor({
        ledger: new RedisLedger(redis, prefix),
        mirror: new MarkdownLedgerMirror(workspace),
        checkpoints: new CheckpointFile(workspace),
        signer: new Ed25519CheckpointSigner(ORIGIN, testLedgerKey()),
        lock: new RedisTrafficLock(redis, prefix),
        onError: (error) => void errors.push(error),
        ...overrides,
      }),
    };
  };
  const first = make();
  const notes = async () => {
    const found: string[] = [];
    for await (const item of new CheckpointFile(workspace).notes()) if ('note' in item) found.push(item.note);
    return found.map((note) => parseCheckpoint(parseNote(note).text));
  };
  const audit = async () =>
    auditLedger(
      {
        head: await first.ledger.head(),
        pages: first.ledger.pages(),
        checkpoints: () => new CheckpointFile(workspace).notes(),
      },
      {
        verifier: parseVerifierKey(new Ed25519CheckpointSigner(ORIGIN, testLedgerKey()).verifierKey),
        origin: ORIGIN,
      },
      [],
    );
  return { prefix, connect, workspace, errors, make, ...first, notes, audit };
}

const append = async (ledger: RedisLedger, count: number, actor = 'U_RM') => {
  for (let i = 0; i < count; i += 1) await ledger.append(body('append', { actor: `${actor}${i}` }));
};

/** A prefix walker that walks in-line, as a thread would, and keeps the sizes it was asked for. */
const inLineWalker = (ledger: RedisLedger) => {
  const sizes: number[] = [];
  const walker: LedgerPrefixWalker = {
    walk: (size) => {
      sizes.push(size);
      return walkLedgerPrefix(ledger, size);
    },
  };
  return { walker, sizes };
};

describe('LedgerAnchor', () => {
  it('mirrors the entries and signs a checkpoint of the whole ledger, which verifies', async () => {
    const { ledger, anchor, workspace, notes, audit } = await setup();
    await append(ledger, 5);
    const checkpoint = await anchor.anchor();
    expect(checkpoint).toMatchObject({ origin: ORIGIN, size: 5 });
    await append(ledger, 3);
    await anchor.anchor();
    expect((await notes()).map((note) => note.size)).toEqual([5, 8]);
    const mirror = await readFile(join(workspace, MIRROR_PATH), 'utf8');
    expect(mirror.match(/^## #/gm)).toHaveLength(8);
    const { checks } = await audit();
    expect(checks.filter((check) => !check.ok)).toEqual([]);
    expect(checks.find((check) => check.name === 'ledger consistency')?.detail).toContain(
      '1 consistency proofs',
    );
  });

  it('keeps the private key out of Redis and out of everything it writes to the workspace', async () => {
    const { ledger, anchor, connect, prefix, workspace } = await setup();
    await append(ledger, 3);
    await anchor.anchor();
    const pem = await readFile(TEST_LEDGER_KEY_PATH, 'utf8');
    const secret = pem.split('\n')[1] as string;
    const redis = connect();
    const values: string[] = [];
    for (const key of await redis.keys(`${prefix}*`)) values.push(JSON.stringify(await redis.dump(key)));
    values.push(await readFile(join(workspace, MIRROR_PATH), 'utf8'));
    values.push(await readFile(join(workspace, '01-GOVERNANCE/checkpoints.txt'), 'utf8'));
    expect(secret.length).toBeGreaterThan(20);
    for (const value of values) expect(value).not.toContain(secret);
  });

  it('signs nothing new when nothing was appended, and covers a burst of appends with few checkpoints', async () => {
    const { ledger, anchor, notes } = await setup();
    await append(ledger, 2);
    await anchor.anchor();
    await anchor.anchor();
    expect(await notes()).toHaveLength(1);
    await append(ledger, 10);
    await Promise.all(Array.from({ length: 20 }, () => anchor.anchor()));
    const sizes = (await notes()).map((note) => note.size);
    expect(sizes.at(-1)).toBe(12);
    expect(sizes.length).toBeLessThanOrEqual(3);
  });

  it('keeps one growing series when two replicas append and anchor at once', async () => {
    const { make, ledger, notes, audit, workspace } = await setup();
    const second = make();
    const first = make();
    await Promise.all(
      [first, second].map(async (replica, index) => {
        for (let round = 0; round < 10; round += 1) {
          await append(replica.ledger, 2, `U${index}_${round}_`);
          await replica.anchor.anchor();
        }
      }),
    );
    await first.anchor.anchor();
    const sizes = (await notes()).map((note) => note.size);
    expect(sizes.at(-1)).toBe(40);
    expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
    expect(new Set(sizes).size).toBe(sizes.length);
    const mirror = await readFile(join(workspace, MIRROR_PATH), 'utf8');
    expect([...mirror.matchAll(/^## #(\d+)/gm)].map((match) => Number(match[1]))).toEqual(
      Array.from({ length: (await ledger.head()).seq }, (_, i) => i + 1),
    );
    expect((await audit()).checks.filter((check) => !check.ok)).toEqual([]);
  });

  it('refuses to sign over a ledger rewritten under its last checkpoint, even in a fresh process', async () => {
    const { ledger, anchor, make, connect, prefix, notes } = await setup();
    await append(ledger, 4);
    await anchor.anchor();
    const redis = connect();
    const key = redisKeys(prefix).ledgerEntries;
    const texts = await redis.lrange(key, 0, -1);
    let prevHash = parseStoredEntry(texts[0] as string)?.prevHash as string;
    const rewritten = texts.map((text, index) => {
      const stored = parseStoredEntry(text);
      const bodyText =
        index === 1 ? (stored?.bodyText ?? '').replace('U_RM1', 'U_MALLORY') : (stored?.bodyText ?? '');
      const hash = ledgerEntryHash(index + 1, prevHash, bodyText);
      const out = storedEntryText(index + 1, prevHash, hash, bodyText);
      prevHash = hash;
      return out;
    });
    await redis.del(key);
    await redis.rpush(key, ...rewritten);
    await redis.hset(redisKeys(prefix).ledgerHead, 'hash', prevHash);
    await ledger.append(body('append', { actor: 'U_AFTER' }));
    await expect(anchor.anchor()).rejects.toMatchObject({ code: 'ledger_diverged' });
    await expect(make().anchor.anchor()).rejects.toMatchObject({ code: 'ledger_diverged' });
    expect((await notes()).map((note) => note.size)).toEqual([4]);
  });

  it('refuses entries cut from the end, and a checkpoints file that ends with a note by another key', async () => {
    const { ledger, anchor, make, connect, prefix, workspace } = await setup();
    await append(ledger, 3);
    await anchor.anchor();
    const redis = connect();
    await redis.rpop(redisKeys(prefix).ledgerEntries);
    await redis.hset(redisKeys(prefix).ledgerHead, 'seq', 2);
    await expect(anchor.anchor()).rejects.toThrow(/cut from its end/);
    const other = make({
      signer: new Ed25519CheckpointSigner(ORIGIN, generateKeyPairSync('ed25519').privateKey),
    });
    await expect(other.anchor.anchor()).rejects.toThrow(/not signed by/);
    expect(await readFile(join(workspace, '01-GOVERNANCE/checkpoints.txt'), 'utf8')).toContain(
      `${ORIGIN}\n3\n`,
    );
  });

  it.each(TAMPERINGS)(
    'refuses, after a first walk made by a prefix walker, as after one made here: %s',
    async (_what, tamper, message) => {
      const { ledger, anchor, make, connect, prefix, notes } = await setup();
      await append(ledger, 4);
      await anchor.anchor();
      await tamper(connect(), prefix);
      const { walker, sizes } = inLineWalker(ledger);
      const here = await make()
        .anchor.anchor()
        .catch((error: Error) => error);
      const walked = await make({ prefixWalker: walker })
        .anchor.anchor()
        .catch((error: Error) => error);
      expect(sizes).toEqual([4]);
      expect(here).toMatchObject({ code: 'ledger_diverged', message: expect.stringMatching(message) });
      expect(walked).toBeInstanceOf(MecError);
      expect(walked).toMatchObject({ code: 'ledger_diverged', message: (here as Error).message });
      expect((await notes()).map((note) => note.size)).toEqual([4]);
    },
  );

  it('goes on from the state a prefix walker answers, signing the roots a walk made here would', async () => {
    const { ledger, anchor, make, notes, audit } = await setup();
    await append(ledger, 5);
    await anchor.anchor();
    const { walker, sizes } = inLineWalker(ledger);
    const started = make({ prefixWalker: walker });
    await append(ledger, 3, 'U_NEXT');
    expect(await started.anchor.anchor()).toMatchObject({ size: 8 });
    await append(ledger, 6, 'U_LATER');
    expect(await started.anchor.anchor()).toMatchObject({ size: 14 });
    // Walked once, at its first anchor, up to what the last checkpoint then signed; then grown here.
    expect(sizes).toEqual([5]);
    // A process that walks everything here agrees with every root signed since.
    await expect(make().anchor.anchor()).resolves.toMatchObject({ size: 14 });
    expect((await notes()).map((note) => note.size)).toEqual([5, 8, 14]);
    expect((await audit()).checks.filter((check) => !check.ok)).toEqual([]);
  });

  it("checks the answered state against the checkpoint's root itself, and walks again after a failed walk", async () => {
    const { ledger, anchor, make, connect, prefix, notes } = await setup();
    await append(ledger, 4);
    await anchor.anchor();
    // A walker that answers where a walk of some other ledger of 4 entries ended.
    const other = new RedisLedger(connect(), `${prefix}other:`);
    await append(other, 4, 'U_OTHER');
    const lying = make({ prefixWalker: { walk: (size) => walkLedgerPrefix(other, size) } });
    await expect(lying.anchor.anchor()).rejects.toThrow(
      /no longer hash to the root of its last signed checkpoint/,
    );
    let failures = 1;
    const flaky = make({
      prefixWalker: {
        walk: async (size) => {
          if (failures-- > 0) throw new MecError('thread_failed', 'The walk did not finish: gone');
          return walkLedgerPrefix(ledger, size);
        },
      },
    });
    await append(ledger, 1, 'U_NEXT');
    await expect(flaky.anchor.anchor()).rejects.toMatchObject({ code: 'thread_failed' });
    expect(await flaky.anchor.anchor()).toMatchObject({ size: 5 });
    expect((await notes()).map((note) => note.size)).toEqual([4, 5]);
  });

  it('has each checkpoint cosigned by a witness, keeps signing while it is down, and catches it up after', async () => {
    const { make, ledger, workspace, errors } = await setup();
    const signer = new Ed25519CheckpointSigner(ORIGIN, testLedgerKey());
    const stand = await startWitnessStandIn({ origin: ORIGIN, logVerifierKey: signer.verifierKey });
    const witness = () => ({
      witness: new HttpWitness({ url: stand.url, timeoutMs: 2_000 }),
      cosignatures: new CosignatureFile(workspace),
    });
    const replica = make({ witness: witness() });
    await append(ledger, 3);
    await replica.anchor.anchor();
    await append(ledger, 2);
    await replica.anchor.anchor();
    expect(stand.latest(ORIGIN)?.size).toBe(5);
    stand.fail('drop');
    await append(ledger, 2);
    expect(await replica.anchor.anchor()).toMatchObject({ size: 7 });
    expect(errors.map((error) => (error as { code?: string }).code)).toContain('witness_unreachable');
    stand.fail('none');
    // The witness missed checkpoint 7: its 409 names the size it did see, and the proof comes from there.
    await append(ledger, 1);
    await replica.anchor.anchor();
    expect(stand.latest(ORIGIN)?.size).toBe(8);
    const restarted = make({ witness: witness() });
    await append(ledger, 1);
    await restarted.anchor.anchor();
    expect(stand.latest(ORIGIN)?.size).toBe(9);
    const verifier = parseCosignatureVerifierKey(stand.verifierKey);
    const cosigned: number[] = [];
    for await (const record of new CosignatureFile(workspace).read()) {
      if (record.kind !== 'note') continue;
      const note = parseNote(record.note);
      const line = note.signatures.find((signature) => signature.name === stand.name);
      expect(line && verifyCosignature(line, note.text, verifier)).toBe(true);
      cosigned.push(parseCheckpoint(note.text).size);
    }
    expect(cosigned).toEqual([3, 5, 8, 9]);
  });
});
