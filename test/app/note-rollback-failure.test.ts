import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../src/adapters/memory/memory-incident-store.js';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { noteRollbackFailure } from '../../src/app/note-rollback-failure.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { INCIDENT } from '../support/incident.js';

async function world() {
  const ledger = new MemoryLedger();
  const told: string[] = [];
  const deps = {
    ctx: { phase: 'M6', now: () => new Date('2026-11-24T04:00:01.000Z') },
    incidents: new MemoryIncidentStore(ledger),
    notifier: {
      page: async (id: string) => void told.push(`page ${id}`),
      redraw: async (id: string) => void told.push(`redraw ${id}`),
    },
  };
  await transitionIncident(deps, INCIDENT.id, { type: 'open_incident', incident: INCIDENT });
  return { ledger, told, deps };
}

describe('noteRollbackFailure', () => {
  it('notes a failed attempt on the incident once and redraws its notice, leaving the page to wait', async () => {
    const { ledger, told, deps } = await world();
    const failure = { rollbackId: 'rb-1', code: 'traffic_controller_failed', retrying: true };
    await noteRollbackFailure(deps, failure);
    await noteRollbackFailure(deps, failure);
    expect((await deps.incidents.load(INCIDENT.id)).incident?.rollbackFailure).toEqual({
      code: 'traffic_controller_failed',
      at: '2026-11-24T04:00:01.000Z',
      retrying: true,
    });
    expect(told).toEqual([`redraw ${INCIDENT.id}`]);
    expect(ledger.entries.map((entry) => entry.body.reason)).toEqual([
      'incident_opened',
      'incident_rollback_failed',
    ]);
  });

  it('pages now when the last attempt failed: no shadow is coming to wait for', async () => {
    const { told, deps } = await world();
    await noteRollbackFailure(deps, { rollbackId: 'rb-1', code: 'lock_timeout', retrying: false });
    expect(told).toEqual([`page ${INCIDENT.id}`, `redraw ${INCIDENT.id}`]);
  });

  it('does nothing for a rollback no incident started (one a person asked for)', async () => {
    const { ledger, told, deps } = await world();
    await noteRollbackFailure(deps, { rollbackId: 'rb-person', code: 'lock_timeout', retrying: false });
    expect(told).toEqual([]);
    expect(ledger.entries).toHaveLength(1);
  });
});
