import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../src/adapters/memory/memory-incident-store.js';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { stampShadow } from '../../src/app/stamp-shadow.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { INCIDENT } from '../support/incident.js';

describe('stampShadow', () => {
  it('notes when traffic reached shadow on the incident that started the rollback, the first time only', async () => {
    const ledger = new MemoryLedger();
    let now = new Date('2026-11-24T04:00:02.500Z');
    const redrawn: string[] = [];
    const deps = {
      ctx: { phase: 'M6', now: () => now },
      incidents: new MemoryIncidentStore(ledger),
      notifier: { redraw: async (id: string) => void redrawn.push(id) },
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
  });

  it('does nothing for a rollback no incident started (one a person asked for)', async () => {
    const ledger = new MemoryLedger();
    const redrawn: string[] = [];
    const deps = {
      ctx: { phase: 'M6', now: () => new Date() },
      incidents: new MemoryIncidentStore(ledger),
      notifier: { redraw: async (id: string) => void redrawn.push(id) },
    };
    expect(await stampShadow(deps, 'rb-person')).toBeUndefined();
    expect(ledger.entries).toEqual([]);
    expect(redrawn).toEqual([]);
  });
});
