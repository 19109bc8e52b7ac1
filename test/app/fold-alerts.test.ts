import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../src/adapters/memory/memory-incident-store.js';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { RedisIncidentStore } from '../../src/adapters/redis/redis-incident-store.js';
import { RedisLedger } from '../../src/adapters/redis/redis-ledger.js';
import { foldAlerts } from '../../src/app/fold-alerts.js';
import type { IncidentStore } from '../../src/app/ports/incident-store.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { INCIDENT } from '../support/incident.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();
const ctx = { phase: 'M6', now: () => new Date('2026-11-24T04:01:00.000Z') };
const instances = (n: number) => Array.from({ length: n }, (_, i) => `web-${i}`);

/** Counts the notice's redraws per incident. */
const counting = () => {
  const redraws: string[] = [];
  return { redraws, redraw: async (id: string) => void redraws.push(id) };
};

async function opened(incidents: IncidentStore) {
  const deps = { ctx, incidents, notifier: counting() };
  await transitionIncident(deps, INCIDENT.id, {
    type: 'open_incident',
    incident: { ...INCIDENT, instances: ['web-0'] },
  });
  return deps;
}

describe('foldAlerts', () => {
  it('records 200 concurrent folds into one incident, each alert once, in fewer entries than folds', async () => {
    const ledger = new MemoryLedger();
    const deps = await opened(new MemoryIncidentStore(ledger));
    const results = await Promise.all(
      instances(200).map((instance) => foldAlerts(deps, INCIDENT.id, [instance])),
    );
    expect(results.every((result) => result.outcome !== 'conflict')).toBe(true);
    const folds = ledger.entries.filter((entry) => entry.body.action === 'alert_folded');
    const recorded = folds.flatMap((entry) => (entry.body.detail as { instances: string[] }).instances);
    // web-0 opened the incident; each other alert is added by exactly one fold entry.
    expect(recorded.filter((instance) => instance !== 'web-0').sort()).toEqual(
      instances(200).slice(1).sort(),
    );
    expect(folds.length).toBeLessThan(200);
    // One redraw per fold entry, not one per caller.
    expect(deps.notifier.redraws).toHaveLength(folds.length);
    expect((await deps.incidents.load(INCIDENT.id)).incident?.instances).toHaveLength(200);
  });

  it('lets two stores on one Redis (two replicas) fold into one incident concurrently without losing an alert', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const ledger = new RedisLedger(redis, prefix);
    const one = await opened(new RedisIncidentStore(redis, prefix, 60_000));
    const two = { ctx, incidents: new RedisIncidentStore(redis, prefix, 60_000), notifier: counting() };
    await Promise.all(
      instances(121)
        .slice(1)
        .map((instance, n) => foldAlerts(n % 2 === 0 ? one : two, INCIDENT.id, [instance])),
    );
    expect((await one.incidents.load(INCIDENT.id)).incident?.instances?.slice().sort()).toEqual(
      instances(121).sort(),
    );
    const folded = (await ledger.read())
      .filter((entry) => entry.body.action === 'alert_folded')
      .flatMap((entry) => (entry.body.detail as { instances: string[] }).instances);
    // A merged fold names the alerts it carried; each alert is carried by exactly one of them.
    expect(folded.sort()).toEqual(instances(121).slice(1).sort());
  });

  it('hands an incident that resolved back as already_resolved, so the alarm fires anew', async () => {
    const deps = await opened(new MemoryIncidentStore(new MemoryLedger()));
    await transitionIncident(deps, INCIDENT.id, { type: 'resolve_incident' });
    const result = await foldAlerts(deps, INCIDENT.id, ['web-9']);
    expect(result.reason).toBe('already_resolved');
  });
});
