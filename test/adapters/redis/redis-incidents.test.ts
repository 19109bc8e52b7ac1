import { describe, expect, it } from 'vitest';
import { RedisIncidents } from '../../../src/adapters/redis/redis-incidents.js';
import { INCIDENT } from '../../support/incident.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('redis incidents', () => {
  it('keeps every field when updates race, from one connection and from two', async () => {
    const { prefix, connect } = testRedis();
    const one = new RedisIncidents(connect(), prefix);
    const two = new RedisIncidents(connect(), prefix);
    await one.save(INCIDENT);

    await Promise.all([
      one.update(INCIDENT.id, (current) => ({ ...current, notice: { channel: 'C1', ts: '1.1' } })),
      one.update(INCIDENT.id, (current) => ({ ...current, shadowAt: '2026-11-24T04:00:02.000Z' })),
      two.update(INCIDENT.id, (current) => ({ ...current, resolvedAt: '2026-11-24T04:10:00.000Z' })),
      two.update(INCIDENT.id, (current) => ({ ...current, acknowledged: { by: 'U1', at: 'now' } })),
    ]);

    expect(await one.get(INCIDENT.id)).toEqual({
      ...INCIDENT,
      notice: { channel: 'C1', ts: '1.1' },
      shadowAt: '2026-11-24T04:00:02.000Z',
      resolvedAt: '2026-11-24T04:10:00.000Z',
      acknowledged: { by: 'U1', at: 'now' },
    });
    expect(await two.ofRollback('rb-1')).toBe(INCIDENT.id);
  });

  it('lets exactly one of many concurrent first-acknowledgements win', async () => {
    const { prefix, connect } = testRedis();
    const stores = [new RedisIncidents(connect(), prefix), new RedisIncidents(connect(), prefix)];
    await stores[0]?.save({ ...INCIDENT, id: 'inc-ack' });
    const winners = await Promise.all(
      Array.from({ length: 10 }, async (_, n) => {
        let first = false;
        await stores[n % 2]?.update('inc-ack', (current) => {
          first = current.acknowledged === undefined;
          return first ? { ...current, acknowledged: { by: `U${n}`, at: 'now' } } : undefined;
        });
        return first ? `U${n}` : undefined;
      }),
    );
    const won = winners.filter((user) => user !== undefined);
    expect(won).toHaveLength(1);
    expect((await stores[1]?.get('inc-ack'))?.acknowledged?.by).toBe(won[0]);
  });

  it('leaves an unknown incident unknown', async () => {
    const { prefix, connect } = testRedis();
    const incidents = new RedisIncidents(connect(), prefix);
    expect(await incidents.update('nope', (current) => ({ ...current, resolvedAt: 'x' }))).toBeUndefined();
    expect(await incidents.get('nope')).toBeUndefined();
  });
});
