import { describe, expect, it } from 'vitest';
import { redisAdapters } from '../../../src/adapters/redis/redis-adapters.js';
import { decide } from '../../../src/domain/decide.js';
import { body } from '../../app/ports/rollout-store.contract.js';
import { startEvent, T0 } from '../../domain/fixtures.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('redisAdapters', () => {
  it("gives a store, ledger and root record that share one deployment's keys, and only its", async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const ours = redisAdapters(redis, prefix);
    const committed = await ours.store.commit('M6', 0, decide(null, startEvent(), T0).state, body('start'));
    expect(await ours.ledger.read()).toEqual([committed.status === 'committed' && committed.entry]);
    await ours.rootRecord.begin(null, 'a'.repeat(64), 'writer');
    const theirs = redisAdapters(redis, `${prefix}other:`);
    expect(await theirs.store.load('M6')).toEqual({ state: null, version: 0 });
    expect(await theirs.ledger.read()).toEqual([]);
    expect((await theirs.rootRecord.get()).leased).toBe(false);
  });
});
