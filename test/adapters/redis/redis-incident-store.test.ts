import { describe, expect, it } from 'vitest';
import { RedisIncidentStore } from '../../../src/adapters/redis/redis-incident-store.js';
import { redisKeys } from '../../../src/adapters/redis/redis-keys.js';
import { RedisLedger } from '../../../src/adapters/redis/redis-ledger.js';
import { RedisRolloutStore } from '../../../src/adapters/redis/redis-rollout-store.js';
import { decide } from '../../../src/domain/decide.js';
import type { RolloutState } from '../../../src/domain/rollout-state.js';
import { verifyLedger } from '../../../src/domain/verify-ledger.js';
import { describeIncidentStoreContract } from '../../app/ports/incident-store.contract.js';
import { body } from '../../app/ports/rollout-store.contract.js';
import { startEvent, T0 } from '../../domain/fixtures.js';
import { INCIDENT } from '../../support/incident.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();
const RETENTION_MS = 86_400_000;

describeIncidentStoreContract('redis', () => {
  const { prefix, connect } = testRedis();
  const redis = connect();
  return {
    incidents: new RedisIncidentStore(redis, prefix, RETENTION_MS),
    ledger: new RedisLedger(redis, prefix),
  };
});

describe('redis incident store: races between independent connections', () => {
  const ROUNDS = 100;

  it(`lets exactly one of two commits at the same version win, ${ROUNDS} times, with no fork and no lost entry`, async () => {
    const { prefix, connect } = testRedis();
    const [a, b] = [
      new RedisIncidentStore(connect(), prefix, RETENTION_MS),
      new RedisIncidentStore(connect(), prefix, RETENTION_MS),
    ];
    for (let round = 0; round < ROUNDS; round++) {
      const next = { ...INCIDENT, summary: `round ${round}` };
      const results = await Promise.all([
        a.commit(INCIDENT.id, round, next, body('race', { actor: `A${round}` })),
        b.commit(INCIDENT.id, round, next, body('race', { actor: `B${round}` })),
      ]);
      expect(results.map((result) => result.status).sort(), `round ${round}`).toEqual([
        'committed',
        'conflict',
      ]);
    }
    const entries = await new RedisLedger(connect(), prefix).read();
    expect(verifyLedger(entries)).toMatchObject({ ok: true, entries: ROUNDS });
    expect((await a.load(INCIDENT.id)).version).toBe(ROUNDS);
    expect(await b.recent()).toEqual([{ ...INCIDENT, summary: `round ${ROUNDS - 1}` }]);
  });

  it('chains incident and rollout commits from different connections into one ledger', async () => {
    const { prefix, connect } = testRedis();
    const rollouts = new RedisRolloutStore(connect(), prefix);
    const incidents = new RedisIncidentStore(connect(), prefix, RETENTION_MS);
    const started = decide(null, startEvent(), T0).state as RolloutState;
    await Promise.all([
      rollouts.commit('M6', 0, started, body('start')),
      incidents.commit(INCIDENT.id, 0, INCIDENT, body('open_incident')),
      incidents.commit('alert-1', 0, null, body('alert_unmatched', { outcome: 'recorded' })),
    ]);
    expect(verifyLedger(await new RedisLedger(connect(), prefix).read())).toMatchObject({
      ok: true,
      entries: 3,
    });
  });

  it('hashes its entries on the chain of its connection, so a rollout commit after it on that connection is never stale', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const rollouts = new RedisRolloutStore(redis, prefix);
    const incidents = new RedisIncidentStore(redis, prefix, RETENTION_MS);
    const started = decide(null, startEvent(), T0).state as RolloutState;
    await rollouts.commit('M6', 0, started, body('start'));
    // Each script call of a commit; a stale head costs one more.
    const calls = { rollout: 0, incident: 0 };
    const scripts = redis as unknown as Record<
      'mecCommit' | 'mecIncidentCommit',
      (...args: string[]) => unknown
    >;
    for (const [name, counter] of [
      ['mecCommit', 'rollout'],
      ['mecIncidentCommit', 'incident'],
    ] as const) {
      const run = scripts[name].bind(redis);
      scripts[name] = (...args) => {
        calls[counter] += 1;
        return run(...args);
      };
    }
    for (let round = 0; round < 5; round++) {
      await incidents.commit(INCIDENT.id, round, { ...INCIDENT, summary: `round ${round}` }, body('fold'));
      await rollouts.commit('M6', 1, null, body('alarm', { outcome: 'recorded' }));
    }
    expect(calls).toEqual({ rollout: 5, incident: 5 });
    expect(verifyLedger(await new RedisLedger(connect(), prefix).read())).toMatchObject({
      ok: true,
      entries: 11,
    });
  });
  it('answers a commit that ioredis sent twice (its first reply lost to a reconnect) as committed, storing it once', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const incidents = new RedisIncidentStore(redis, prefix, RETENTION_MS);
    const scripts = redis as unknown as Record<'mecIncidentCommit', (...args: string[]) => Promise<unknown>>;
    const run = scripts.mecIncidentCommit.bind(redis);
    // The script applies, its reply is lost, and the same call is sent again: only the second reply is seen.
    scripts.mecIncidentCommit = async (...args) => {
      await run(...args);
      return run(...args);
    };
    const opened = await incidents.commit(INCIDENT.id, 0, INCIDENT, body('open_incident'));
    expect(opened).toMatchObject({ status: 'committed', version: 1, entry: { seq: 1 } });
    const folded = await incidents.commit(INCIDENT.id, 1, { ...INCIDENT, summary: 'folded' }, body('fold'));
    expect(folded).toMatchObject({ status: 'committed', version: 2, entry: { seq: 2 } });
    expect((await incidents.load(INCIDENT.id)).version).toBe(2);
    expect(verifyLedger(await new RedisLedger(connect(), prefix).read())).toMatchObject({
      ok: true,
      entries: 2,
    });
  });
});

describe('redis incident store: keys expire a retention period after the incident resolves', () => {
  it('keeps an open incident, and expires it and its rollback index once it resolves', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const incidents = new RedisIncidentStore(redis, prefix, RETENTION_MS);
    const keys = redisKeys(prefix);
    const rollbackKey = keys.slack('incident-of-rollback', 'rb-1');
    await incidents.commit(INCIDENT.id, 0, INCIDENT, body('open_incident'));
    expect(await redis.pttl(keys.incident(INCIDENT.id))).toBe(-1);
    expect(await redis.pttl(rollbackKey)).toBe(-1);
    const resolved = { ...INCIDENT, resolvedAt: '2026-11-24T04:10:00.000Z' };
    await incidents.commit(INCIDENT.id, 1, resolved, body('resolve_incident'));
    const acked = { ...resolved, acknowledged: { by: 'U_SRE', at: '2026-11-24T04:11:00.000Z' } };
    await incidents.commit(INCIDENT.id, 2, acked, body('acknowledge'));
    for (const key of [keys.incident(INCIDENT.id), rollbackKey]) {
      const ttl = await redis.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(RETENTION_MS);
    }
  });

  it('gives a claimed delivery a short lease, and a kept one the retention period', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const incidents = new RedisIncidentStore(redis, prefix, RETENTION_MS);
    const key = redisKeys(prefix).slack('alert-seen', 'delivery-1');
    await incidents.claimDelivery('delivery-1', 'job-1');
    const lease = await redis.pttl(key);
    expect(lease).toBeGreaterThan(0);
    expect(lease).toBeLessThan(RETENTION_MS);
    await incidents.keepDelivery('delivery-1');
    expect(await redis.pttl(key)).toBeGreaterThan(lease);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(RETENTION_MS);
  });

  it('answers a re-send of a delivery it kept without Redis, and asks Redis for any other', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const one = new RedisIncidentStore(redis, prefix, RETENTION_MS);
    const two = new RedisIncidentStore(connect(), prefix, RETENTION_MS);
    const key = redisKeys(prefix).slack('alert-seen', 'delivery-2');
    expect(await one.claimDelivery('delivery-2', 'job-1')).toBe(true);
    await one.keepDelivery('delivery-2');
    // With the record gone from Redis, only the process that kept it still knows it as a duplicate.
    await redis.del(key);
    expect(await one.claimDelivery('delivery-2', 'job-1')).toBe(false);
    expect(await redis.exists(key)).toBe(0);
    // Another replica has no such memory: Redis decides for it, and its claim shuts other jobs out,
    // in either process, while the same job's retry (its worker died) may take it up in the first.
    expect(await two.claimDelivery('delivery-3', 'job-2')).toBe(true);
    expect(await one.claimDelivery('delivery-3', 'job-3')).toBe(false);
    expect(await one.claimDelivery('delivery-3', 'job-2')).toBe(true);
    // A delivery given back (acting on it failed) is claimed afresh by another job.
    await two.releaseDelivery('delivery-3');
    expect(await two.claimDelivery('delivery-3', 'job-4')).toBe(true);
  });

  it('drops an incident whose keys expired from the recent list', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const incidents = new RedisIncidentStore(redis, prefix, RETENTION_MS);
    const keys = redisKeys(prefix);
    await incidents.commit('inc-a', 0, { ...INCIDENT, id: 'inc-a' }, body('open_incident'));
    await incidents.commit('inc-b', 0, { ...INCIDENT, id: 'inc-b' }, body('open_incident'));
    // As the retention period would, once inc-a resolved.
    await redis.del(keys.incident('inc-a'));
    expect((await incidents.recent()).map((incident) => incident.id)).toEqual(['inc-b']);
    expect(await redis.lrange(keys.slack('incidents', 'recent'), 0, -1)).toEqual(['inc-b']);
  });
});
