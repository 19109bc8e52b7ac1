import { describe, expect, inject, it } from 'vitest';
import { CheckpointFile } from '../../src/adapters/files/checkpoint-file.js';
import { MarkdownLedgerMirror } from '../../src/adapters/files/markdown-ledger-mirror.js';
import { Ed25519CheckpointSigner } from '../../src/adapters/node-crypto/ed25519-checkpoint-signer.js';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { RedisLedger } from '../../src/adapters/redis/redis-ledger.js';
import { RedisTrafficLock } from '../../src/adapters/redis/redis-lock.js';
import { type AnchorDeps, LedgerAnchor } from '../../src/app/anchor-ledger.js';
import { walkLedgerPrefix } from '../../src/app/walk-ledger-prefix.js';
import { threadLedgerWalker } from '../../src/composition/thread-ledger-walker.js';
import { GENESIS_HASH, ledgerEntryHash } from '../../src/domain/ledger-entry.js';
import { storedEntryText } from '../../src/domain/stored-entry.js';
import { body } from '../app/ports/rollout-store.contract.js';
import { testLedgerKey } from '../support/ledger-key.js';
import { TAMPERINGS } from '../support/ledger-tampering.js';
import { useTestRedis } from '../support/redis.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const testRedis = useTestRedis();
const ORIGIN = 'mec.example.com/release-ledger';

async function setup() {
  const { prefix, connect } = testRedis();
  const redis = connect();
  const ledger = new RedisLedger(redis, prefix);
  const workspace = await copyExampleWorkspace();
  const walker = threadLedgerWalker({ redisUrl: inject('redisUrl'), prefix });
  const anchorOf = (overrides: Partial<AnchorDeps> = {}) =>
    new LedgerAnchor({
      ledger,
      mirror: new MarkdownLedgerMirror(workspace),
      checkpoints: new CheckpointFile(workspace),
      signer: new Ed25519CheckpointSigner(ORIGIN, testLedgerKey()),
      lock: new RedisTrafficLock(redis, prefix),
      onError: () => undefined,
      ...overrides,
    });
  const append = async (count: number, actor = 'U_RM') => {
    for (let i = 0; i < count; i += 1) await ledger.append(body('append', { actor: `${actor}${i}` }));
  };
  return { redis, prefix, ledger, walker, anchorOf, append };
}

describe('threadLedgerWalker', () => {
  it('answers from its thread where an in-line walk of the same entries ends, over many pages', async () => {
    const { redis, prefix, ledger, walker } = await setup();
    // Written straight into the list, as a long-lived ledger would hold them: 2.5 pages of entries.
    const texts: string[] = [];
    let prevHash = GENESIS_HASH;
    for (let seq = 1; seq <= 2_500; seq += 1) {
      const bodyText = `{"action":"step_${seq}","v":1}`;
      const hash = ledgerEntryHash(seq, prevHash, bodyText);
      texts.push(storedEntryText(seq, prevHash, hash, bodyText));
      prevHash = hash;
    }
    await redis.rpush(redisKeys(prefix).ledgerEntries, ...texts);
    await redis.hset(redisKeys(prefix).ledgerHead, 'seq', 2_500, 'hash', prevHash);
    for (const size of [2_500, 1_537]) {
      const walked = await walker.walk(size);
      expect(walked).toEqual(await walkLedgerPrefix(ledger, size));
      expect(walked).toMatchObject({ ok: true, prefix: { head: { seq: size } } });
    }
  }, 60_000);

  it.each(TAMPERINGS)(
    'answers as an in-line walk does after %s, and the anchor refuses as one that walked here',
    async (_what, tamper, message) => {
      const { redis, prefix, ledger, walker, anchorOf, append } = await setup();
      await append(4);
      await anchorOf().anchor();
      await tamper(redis, prefix);
      const walked = await walker.walk(4);
      expect(walked).toEqual(await walkLedgerPrefix(ledger, 4));
      // Only the rewrite that hashes the chain again keeps it whole; the anchor's root check finds it.
      expect(walked.ok).toBe(tamper === TAMPERINGS[0]?.[1]);
      const here = await anchorOf()
        .anchor()
        .catch((error: Error) => error);
      expect(here).toMatchObject({ code: 'ledger_diverged', message: expect.stringMatching(message) });
      await expect(anchorOf({ prefixWalker: walker }).anchor()).rejects.toMatchObject({
        code: 'ledger_diverged',
        message: (here as Error).message,
      });
    },
    60_000,
  );

  it('leaves the anchor going on from its answer as it would after a walk here', async () => {
    const { walker, anchorOf, append } = await setup();
    await append(6);
    await anchorOf().anchor();
    const started = anchorOf({ prefixWalker: walker });
    await append(3, 'U_NEXT');
    const threaded = await started.anchor();
    expect(threaded).toMatchObject({ size: 9 });
    // A process that walks all 9 here signs nothing new: the root the threaded one signed is its own.
    expect(await anchorOf().anchor()).toEqual(threaded);
  }, 60_000);

  it('fails clearly, without the password, when the thread cannot walk: here on a Redis that is gone', async () => {
    const failure = await threadLedgerWalker({ redisUrl: 'redis://default:s3cret@127.0.0.1:1', prefix: 'p:' })
      .walk(3)
      .catch((error: Error) => error);
    expect(failure).toMatchObject({ code: 'thread_failed' });
    expect((failure as Error).message).toContain('The walk over the signed ledger');
    expect((failure as Error).message).not.toContain('s3cret');
  }, 60_000);
});
