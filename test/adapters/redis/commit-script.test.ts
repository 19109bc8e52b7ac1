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
  // Hashed against the head as it is now, or against `head` when given.
  const commit = async (
    expectedVersion: string,
    state: string,
    bodyJson: string,
    head?: { seq: number; hash: string },
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

  it('is defined on a connection once, however many adapters share it', () => {
    const { redis } = committing();
    const define = vi.spyOn(redis, 'defineCommand');
    expect(withCommitCommand(redis)).toBe(redis);
    expect(define).not.toHaveBeenCalled();
  });
});
