import { describe, expect, it } from 'vitest';
import { LedgerChain, ledgerChainOf } from '../../../src/adapters/redis/ledger-chain.js';
import { RedisIncidentStore } from '../../../src/adapters/redis/redis-incident-store.js';
import { RedisLedger } from '../../../src/adapters/redis/redis-ledger.js';
import { RedisRolloutStore } from '../../../src/adapters/redis/redis-rollout-store.js';
import { verifyLedger } from '../../../src/domain/verify-ledger.js';
import { body } from '../../app/ports/rollout-store.contract.js';
import { INCIDENT } from '../../support/incident.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('LedgerChain', () => {
  it('retries a step on the head a stale reply names, and keeps the head a step left', async () => {
    const chain = new LedgerChain();
    const seen: number[] = [];
    const value = await chain.run(async (head) => {
      seen.push(head.seq);
      if (head.seq < 0) return ['stale', 7, 'h7'] as ['stale', number, string];
      return { value: 'done', head: { seq: 8, hash: 'h8' } };
    });
    expect(value).toBe('done');
    expect(seen).toEqual([-1, 7]);
    await chain.run(async (head) => {
      seen.push(head.seq);
      return { value: undefined, head: undefined };
    });
    expect(seen.at(-1)).toBe(8);
  });

  it('runs one step at a time, in the order they were given, and goes on after one fails', async () => {
    const chain = new LedgerChain();
    const order: string[] = [];
    const step = (name: string, fail = false) =>
      chain.run(async () => {
        order.push(`${name} start`);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`${name} end`);
        if (fail) throw new Error(name);
        return { value: name, head: undefined };
      });
    const results = await Promise.allSettled([step('a'), step('b', true), step('c')]);
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('gives up on a head that moves on every attempt, with a stable code', async () => {
    const chain = new LedgerChain();
    let seq = 0;
    await expect(
      chain.run(async () => ['stale', ++seq, `h${seq}`] as ['stale', number, string]),
    ).rejects.toMatchObject({ code: 'invariant_violated' });
  });

  it('is one per connection and head key', () => {
    const { connect } = testRedis();
    const [a, b] = [connect(), connect()];
    expect(ledgerChainOf(a, 'x')).toBe(ledgerChainOf(a, 'x'));
    expect(ledgerChainOf(a, 'x')).not.toBe(ledgerChainOf(a, 'y'));
    expect(ledgerChainOf(a, 'x')).not.toBe(ledgerChainOf(b, 'x'));
  });
});

describe('two replicas appending at once', () => {
  const ROUNDS = 150;

  it(`interleave appends, rollout commits and incident commits into one unbroken chain, ${ROUNDS} rounds`, async () => {
    const { prefix, connect } = testRedis();
    const replicas = ['A', 'B'].map((name) => {
      const redis = connect();
      return {
        name,
        ledger: new RedisLedger(redis, prefix),
        store: new RedisRolloutStore(redis, prefix),
        incidents: new RedisIncidentStore(redis, prefix, 86_400_000),
      };
    });
    const results = await Promise.all(
      replicas.flatMap(({ name, ledger, store, incidents }) =>
        Array.from({ length: ROUNDS }, (_, i) =>
          i % 10 === 3
            ? store.commit(
                'M6',
                0,
                null,
                body('refused', { actor: `${name}-store-${i}`, outcome: 'refused' }),
              )
            : i % 10 === 7
              ? incidents.commit(
                  `${INCIDENT.id}-${name}-${i}`,
                  0,
                  null,
                  body('note', { actor: `${name}-inc-${i}` }),
                )
              : ledger.append(body('append', { actor: `${name}-${i}` })),
        ),
      ),
    );
    const entries = await replicas[0]?.ledger.read();
    expect(verifyLedger(entries ?? [])).toMatchObject({ ok: true, entries: 2 * ROUNDS });
    expect(new Set(entries?.map((entry) => entry.body.actor)).size).toBe(2 * ROUNDS);
    expect(await replicas[1]?.ledger.head()).toEqual({ seq: 2 * ROUNDS, hash: entries?.at(-1)?.hash });
    // Every writer was told the entry it wrote, as stored.
    const bySeq = new Map(entries?.map((entry) => [entry.seq, entry.hash]));
    for (const result of results) {
      const entry = 'seq' in result ? result : result.status === 'committed' ? result.entry : undefined;
      expect(entry && bySeq.get(entry.seq)).toBe(entry?.hash);
    }
  });
});
