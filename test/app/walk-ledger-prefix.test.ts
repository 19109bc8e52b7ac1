import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { RedisLedger } from '../../src/adapters/redis/redis-ledger.js';
import { walkLedgerPrefix } from '../../src/app/walk-ledger-prefix.js';
import { LedgerWalk } from '../../src/domain/ledger-walk.js';
import { TAMPERINGS } from '../support/ledger-tampering.js';
import { useTestRedis } from '../support/redis.js';
import { body } from './ports/rollout-store.contract.js';

const testRedis = useTestRedis();

async function fourEntries() {
  const { prefix, connect } = testRedis();
  const redis = connect();
  const ledger = new RedisLedger(redis, prefix);
  for (let i = 0; i < 4; i += 1) await ledger.append(body('append', { actor: `U_RM${i}` }));
  // Where a walk of the list's first `size` texts, one by one, ends.
  const walkedHere = async (size: number) => {
    const walk = new LedgerWalk();
    const texts = await redis.lrange(redisKeys(prefix).ledgerEntries, 0, -1);
    for (const text of texts.slice(0, size)) walk.next(text);
    return walk.state();
  };
  return { redis, prefix, ledger, walkedHere };
}

describe('walkLedgerPrefix', () => {
  it('ends where a walk of the same entries one by one ends, at every size', async () => {
    const { ledger, walkedHere } = await fourEntries();
    for (const size of [0, 1, 2, 3, 4])
      expect(await walkLedgerPrefix(ledger, size)).toEqual({ ok: true, prefix: await walkedHere(size) });
  });

  it.each(TAMPERINGS.slice(1))('says why the chain breaks: %s', async (_what, tamper, problem) => {
    const { redis, prefix, ledger } = await fourEntries();
    await tamper(redis, prefix);
    expect(await walkLedgerPrefix(ledger, 4)).toEqual({ ok: false, problem: expect.stringMatching(problem) });
  });

  it('walks a rewritten chain whole, to a frontier unlike the one before: the root shows the rewrite', async () => {
    const { redis, prefix, ledger, walkedHere } = await fourEntries();
    const before = await walkedHere(4);
    const [, tamper] = TAMPERINGS[0] as (typeof TAMPERINGS)[number];
    await tamper(redis, prefix);
    const after = await walkLedgerPrefix(ledger, 4);
    expect(after).toEqual({ ok: true, prefix: await walkedHere(4) });
    expect(after.ok && after.prefix.frontier).not.toEqual(before.frontier);
  });
});
