import { describe, expect, it, vi } from 'vitest';
import { withCommitCommand } from '../../../src/adapters/redis/commit-script.js';
import { redisKeys } from '../../../src/adapters/redis/redis-keys.js';
import { RedisLedger } from '../../../src/adapters/redis/redis-ledger.js';
import { canonicalJson } from '../../../src/domain/canonical-json.js';
import { GENESIS_HASH, ledgerEntryHash } from '../../../src/domain/ledger-entry.js';
import { verifyLedger } from '../../../src/domain/verify-ledger.js';
import { body } from '../../app/ports/rollout-store.contract.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

/** The commit script on a fresh connection, and the keys of the test's deployment. */
function committing() {
  const { prefix, connect } = testRedis();
  const keys = redisKeys(prefix);
  const redis = withCommitCommand(connect());
  const ledger = new RedisLedger(redis, prefix);
  let attempts = 0;
  // Hashed against the head as it is now, or against `head` when given; a new attempt unless given one.
  const commit = async (
    expectedVersion: string,
    state: string,
    bodyJson: string,
    head?: { seq: number; hash: string },
    attempt = { writer: 'W', attempt: String(++attempts) },
  ) => {
    const { seq, hash } = head ?? (await ledger.head());
    return redis.mecCommit(
      keys.rollout('M6'),
      keys.ledgerEntries,
      keys.ledgerHead,
      keys.outbox,
      expectedVersion,
      state,
      bodyJson,
      '',
      '',
      String(seq),
      hash,
      ledgerEntryHash(seq + 1, hash, bodyJson),
      attempt.writer,
      attempt.attempt,
    );
  };
  return { redis, keys, commit, ledger };
}

describe('the commit script', () => {
  it('appends a chain that verifies, for any body text', async () => {
    const { ledger } = committing();
    for (const note of [
      '',
      'x'.repeat(55),
      'y'.repeat(56),
      'z'.repeat(64),
      '€'.repeat(300),
      '\u0000\n\t"\\',
    ]) {
      await ledger.append(body('hash', { detail: { note } }));
    }
    expect(verifyLedger(await ledger.read())).toMatchObject({ ok: true, entries: 6 });
  });

  it('stores the state and appends its entry, hashed as Node hashes it, in one step', async () => {
    const { redis, keys, commit } = committing();
    const entry = canonicalJson(body('start'));
    const reply = await commit('0', '{"rolloutId":"R1"}', entry);
    expect(reply).toEqual(['committed', 1, 1, GENESIS_HASH, ledgerEntryHash(1, GENESIS_HASH, entry)]);
    expect(await redis.hgetall(keys.rollout('M6'))).toEqual({ v: '1', state: '{"rolloutId":"R1"}' });
  });

  it('changes nothing when the ledger head moved since the entry was hashed, and answers that head', async () => {
    const { redis, keys, commit, ledger } = committing();
    await commit('0', '{"cursor":0}', canonicalJson(body('start')));
    const moved = await ledger.head();
    const reply = await commit('1', '{"cursor":1}', canonicalJson(body('ramp')), {
      seq: 0,
      hash: GENESIS_HASH,
    });
    expect(reply).toEqual(['stale', 1, moved.hash]);
    expect(await redis.hgetall(keys.rollout('M6'))).toEqual({ v: '1', state: '{"cursor":0}' });
    expect(await redis.llen(keys.ledgerEntries)).toBe(1);
    // The right seq with another hash is stale too: the head is checked whole.
    expect(await commit('1', '', canonicalJson(body('ramp')), { seq: 1, hash: GENESIS_HASH })).toEqual([
      'stale',
      1,
      moved.hash,
    ]);
  });

  it('changes nothing at a stale version, and answers the version it found', async () => {
    const { redis, keys, commit } = committing();
    await commit('0', '{"cursor":0}', canonicalJson(body('start')));
    expect(await commit('0', '{"cursor":1}', canonicalJson(body('ramp')))).toEqual(['conflict', 1]);
    expect(await redis.hget(keys.rollout('M6'), 'state')).toBe('{"cursor":0}');
    expect(await redis.llen(keys.ledgerEntries)).toBe(1);
  });

  it('appends a refusal without touching the state or its version', async () => {
    const { redis, keys, commit } = committing();
    await commit('0', '{"cursor":0}', canonicalJson(body('start')));
    const reply = await commit('1', '', canonicalJson(body('ramp', { outcome: 'refused' })));
    expect(reply.slice(0, 3)).toEqual(['committed', 1, 2]);
    expect(await redis.hgetall(keys.rollout('M6'))).toEqual({ v: '1', state: '{"cursor":0}' });
  });

  it('answers a commit sent again after it applied (a reply lost to a reconnect) as it answered it, storing it once', async () => {
    const { redis, keys, commit, ledger } = committing();
    const bodyJson = canonicalJson(body('start'));
    const genesis = { seq: 0, hash: GENESIS_HASH };
    const sent = { writer: 'W', attempt: '1' };
    const first = await commit('0', '{"cursor":0}', bodyJson, genesis, sent);
    expect(await commit('0', '{"cursor":0}', bodyJson, genesis, sent)).toEqual(first);
    // Also once another writer has appended behind it.
    await ledger.append(body('append'));
    expect(await commit('0', '{"cursor":0}', bodyJson, genesis, sent)).toEqual(first);
    expect(await redis.hgetall(keys.rollout('M6'))).toEqual({ v: '1', state: '{"cursor":0}' });
    expect(await redis.llen(keys.ledgerEntries)).toBe(2);
    // A refusal's commit, which leaves the version, answers the version it left.
    const head = await ledger.head();
    const refusal = canonicalJson(body('ramp', { outcome: 'refused' }));
    const refused = await commit('1', '', refusal, head, { writer: 'W', attempt: '2' });
    expect(refused.slice(0, 3)).toEqual(['committed', 1, 3]);
    expect(await commit('1', '', refusal, head, { writer: 'W', attempt: '2' })).toEqual(refused);
    expect(verifyLedger(await ledger.read())).toMatchObject({ ok: true, entries: 3 });
  });

  it('takes the same commit from another writer, or another attempt, for stale: the entry is not its own', async () => {
    const { keys, redis, commit } = committing();
    const bodyJson = canonicalJson(body('ramp'));
    const genesis = { seq: 0, hash: GENESIS_HASH };
    await commit('0', '{"cursor":1}', bodyJson, genesis, { writer: 'A', attempt: '1' });
    const stale = ['stale', 1, ledgerEntryHash(1, GENESIS_HASH, bodyJson)];
    expect(await commit('0', '{"cursor":1}', bodyJson, genesis, { writer: 'B', attempt: '1' })).toEqual(
      stale,
    );
    expect(await commit('0', '{"cursor":1}', bodyJson, genesis, { writer: 'A', attempt: '2' })).toEqual(
      stale,
    );
    expect(await redis.llen(keys.ledgerEntries)).toBe(1);
  });

  it('answers a group append sent again after it applied as committed, storing its entries once', async () => {
    const { redis, keys, ledger } = committing();
    const texts = ['a', 'b', 'c'].map((actor) => canonicalJson(body('append', { actor })));
    const args: string[] = [];
    let prevHash = GENESIS_HASH;
    for (const [index, text] of texts.entries()) {
      prevHash = ledgerEntryHash(index + 1, prevHash, text);
      args.push(prevHash, text);
    }
    const append = () =>
      redis.mecAppend(keys.ledgerEntries, keys.ledgerHead, '0', GENESIS_HASH, 'W', '1', ...args);
    expect(await append()).toEqual(['committed', 3]);
    expect(await append()).toEqual(['committed', 3]);
    await ledger.append(body('append', { actor: 'd' }));
    expect(await append()).toEqual(['committed', 3]);
    const entries = await ledger.read();
    expect(entries.map((entry) => entry.body.actor)).toEqual(['a', 'b', 'c', 'd']);
    expect(verifyLedger(entries)).toMatchObject({ ok: true, entries: 4 });
  });

  it('is defined on a connection once, however many adapters share it', () => {
    const { redis } = committing();
    const define = vi.spyOn(redis, 'defineCommand');
    expect(withCommitCommand(redis)).toBe(redis);
    expect(define).not.toHaveBeenCalled();
  });
});
