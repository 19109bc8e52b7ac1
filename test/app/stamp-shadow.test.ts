import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../src/adapters/memory/memory-incident-store.js';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { noteShadow, stampShadow } from '../../src/app/stamp-shadow.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { INCIDENT } from '../support/incident.js';

describe('stampShadow', () => {
  it('notes when traffic reached shadow on the incident that started the rollback, the first time only', async () => {
    const ledger = new MemoryLedger();
    let now = new Date('2026-11-24T04:00:02.500Z');
    const redrawn: string[] = [];
    const paged: string[] = [];
    const observed: number[] = [];
    const deps = {
      ctx: { phase: 'M6', now: () => now },
      incidents: new MemoryIncidentStore(ledger),
      notifier: {
        page: async (id: string) => void paged.push(id),
        redraw: async (id: string) => void redrawn.push(id),
      },
      observe: { shadowReached: (seconds: number) => void observed.push(seconds) },
    };
    await transitionIncident(deps, INCIDENT.id, { type: 'open_incident', incident: INCIDENT });
    expect(await stampShadow(deps, 'rb-1')).toMatchObject({ id: INCIDENT.id, shadowAt: now.toISOString() });
    now = new Date('2026-11-24T04:00:09.000Z');
    expect(await stampShadow(deps, 'rb-1')).toBeUndefined();
    expect((await deps.incidents.load(INCIDENT.id)).incident?.shadowAt).toBe('2026-11-24T04:00:02.500Z');
    expect(ledger.entries.map((entry) => entry.body.reason)).toEqual([
      'incident_opened',
      'incident_at_shadow',
    ]);
    expect(redrawn).toEqual([INCIDENT.id, INCIDENT.id]);
    // A page that waits for shadow goes now; one that went already is not sent again (the port's rule).
    expect(paged).toEqual([INCIDENT.id, INCIDENT.id]);
    // Counted once, from the alarm's arrival to the first time traffic was seen at shadow.
    expect(observed).toEqual([
      (now.getTime() -
        now.getTime() +
        Date.parse('2026-11-24T04:00:02.500Z') -
        Date.parse(INCIDENT.receivedAt)) /
        1_000,
    ]);
  });

  it('does nothing for a rollback no incident started (one a person asked for)', async () => {
    const ledger = new MemoryLedger();
    const redrawn: string[] = [];
    const paged: string[] = [];
    const deps = {
      ctx: { phase: 'M6', now: () => new Date() },
      incidents: new MemoryIncidentStore(ledger),
      notifier: {
        page: async (id: string) => void paged.push(id),
        redraw: async (id: string) => void redrawn.push(id),
      },
      observe: { shadowReached: () => undefined },
    };
    expect(await stampShadow(deps, 'rb-person')).toBeUndefined();
    expect(ledger.entries).toEqual([]);
    expect(redrawn).toEqual([]);
    expect(paged).toEqual([]);
  });

  it('counts the time to shadow on the path that notes it first, and only once', async () => {
    // A rollback that finished before its incident was stored: the incident's own open notes shadow.
    const observed: number[] = [];
    const deps = {
      ctx: { phase: 'M6', now: () => new Date('2026-11-24T04:00:05Z') },
      incidents: new MemoryIncidentStore(new MemoryLedger()),
      observe: { shadowReached: (seconds: number) => void observed.push(seconds) },
    };
    await transitionIncident(deps, INCIDENT.id, { type: 'open_incident', incident: INCIDENT });
    const finishedAt = '2026-11-24T04:00:01.250Z';
    expect(await noteShadow(deps, INCIDENT.id, 'rb-1', finishedAt)).toMatchObject({ shadowAt: finishedAt });
    expect(await noteShadow(deps, INCIDENT.id, 'rb-1', '2026-11-24T04:00:03Z')).toBeUndefined();
    expect(observed).toEqual([(Date.parse(finishedAt) - Date.parse(INCIDENT.receivedAt)) / 1_000]);
  });
});
