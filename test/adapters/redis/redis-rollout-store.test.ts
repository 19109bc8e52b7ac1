import { describe, expect, it } from 'vitest';
import { RedisLedger } from '../../../src/adapters/redis/redis-ledger.js';
import { RedisRegistryRootRecord } from '../../../src/adapters/redis/redis-registry-root.js';
import { RedisRolloutStore } from '../../../src/adapters/redis/redis-rollout-store.js';
import { decide } from '../../../src/domain/decide.js';
import type { RolloutState } from '../../../src/domain/rollout-state.js';
import { verifyLedger } from '../../../src/domain/verify-ledger.js';
import { body, describeStoreContract } from '../../app/ports/rollout-store.contract.js';
import { startEvent, T0 } from '../../domain/fixtures.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describeStoreContract('redis', () => {
  const { prefix, connect } = testRedis();
  const redis = connect();
  return {
    store: new RedisRolloutStore(redis, prefix),
    ledger: new RedisLedger(redis, prefix),
    registryRoot: new RedisRegistryRootRecord(redis, prefix),
  };
});

describe('redis: races between independent connections', () => {
  const ROUNDS = 200;

  it(`lets exactly one of two conflicting transitions win, ${ROUNDS} times, with no fork and no lost entry`, async () => {
    const { prefix, connect } = testRedis();
    const [a, b] = [new RedisRolloutStore(connect(), prefix), new RedisRolloutStore(connect(), prefix)];
    const ledger = new RedisLedger(connect(), prefix);
    let state = decide(null, startEvent(), T0).state as RolloutState;
    for (let round = 0; round < ROUNDS; round++) {
      const version = round;
      const results = await Promise.all([
        a.commit('M6', version, { ...state, cursor: round + 1 }, body('race', { actor: `A${round}` })),
        b.commit('M6', version, { ...state, cursor: round + 1 }, body('race', { actor: `B${round}` })),
      ]);
      const statuses = results.map((result) => result.status).sort();
      expect(statuses, `round ${round}`).toEqual(['committed', 'conflict']);
      state = (await a.load('M6')).state as RolloutState;
    }
    const entries = await ledger.read();
    expect(verifyLedger(entries)).toMatchObject({ ok: true, entries: ROUNDS });
    expect((await a.load('M6')).version).toBe(ROUNDS);
    const winners = entries.map((entry) => entry.body.actor);
    for (let round = 0; round < ROUNDS; round++) {
      expect(winners.filter((actor) => actor === `A${round}` || actor === `B${round}`)).toHaveLength(1);
    }
  });
});
