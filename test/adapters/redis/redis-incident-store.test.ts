import { describe, expect, it } from 'vitest';
import { RedisIncidentStore } from '../../../src/adapters/redis/redis-incident-store.js';
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

describeIncidentStoreContract('redis', () => {
  const { prefix, connect } = testRedis();
  const redis = connect();
  return { incidents: new RedisIncidentStore(redis, prefix), ledger: new RedisLedger(redis, prefix) };
});

describe('redis incident store: races between independent connections', () => {
  const ROUNDS = 100;

  it(`lets exactly one of two commits at the same version win, ${ROUNDS} times, with no fork and no lost entry`, async () => {
    const { prefix, connect } = testRedis();
    const [a, b] = [new RedisIncidentStore(connect(), prefix), new RedisIncidentStore(connect(), prefix)];
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
    const incidents = new RedisIncidentStore(connect(), prefix);
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
});
