import { describe, expect, it } from 'vitest';
import type { IncidentStore } from '../../../src/app/ports/incident-store.js';
import type { Ledger } from '../../../src/app/ports/ledger.js';
import type { Incident } from '../../../src/domain/incident.js';
import type { LedgerBody, LedgerEntry } from '../../../src/domain/ledger-entry.js';
import { GENESIS_HASH } from '../../../src/domain/ledger-entry.js';
import { verifyLedger } from '../../../src/domain/verify-ledger.js';
import { INCIDENT } from '../../support/incident.js';
import { body } from './rollout-store.contract.js';

export interface IncidentStoreAdapters {
  incidents: IncidentStore;
  /** The ledger the store appends to. */
  /** The store's ledger, with the append its implementations have for seeding a test's history. */
  ledger: Ledger & { append(body: LedgerBody): Promise<LedgerEntry> };
}

const opened = (id: string, changes: Partial<Incident> = {}): Incident => ({ ...INCIDENT, id, ...changes });
const recorded = (action: string) =>
  body(action, { rolloutId: null, outcome: 'recorded', reason: 'alarm_unknown' });

/** What every IncidentStore must do, run against each implementation, the in-memory one included. */
export function describeIncidentStoreContract(name: string, make: () => IncidentStoreAdapters): void {
  describe(`${name}: the incident store contract`, () => {
    it('loads an incident that was never written as none, at version 0', async () => {
      const { incidents } = make();
      expect(await incidents.load('inc-1')).toEqual({ incident: null, version: 0 });
      expect(await incidents.recent()).toEqual([]);
      expect(await incidents.ofRollback('rb-1')).toBeUndefined();
    });

    it('stores a new incident with its ledger entry, and finds it among the recent and by its rollback', async () => {
      const { incidents, ledger } = make();
      const result = await incidents.commit('inc-1', 0, INCIDENT, body('open_incident'));
      expect(result).toMatchObject({
        status: 'committed',
        version: 1,
        entry: { seq: 1, prevHash: GENESIS_HASH },
      });
      expect(await incidents.load('inc-1')).toEqual({ incident: INCIDENT, version: 1 });
      expect(await incidents.recent()).toEqual([INCIDENT]);
      expect(await incidents.ofRollback('rb-1')).toBe('inc-1');
      expect(await ledger.read()).toEqual([result.status === 'committed' && result.entry]);
      expect(verifyLedger(await ledger.read())).toMatchObject({ ok: true, entries: 1 });
    });

    it('refuses a commit at a stale version and changes nothing', async () => {
      const { incidents, ledger } = make();
      await incidents.commit('inc-1', 0, INCIDENT, body('open_incident'));
      const headBefore = await ledger.head();
      const late = { ...INCIDENT, acknowledged: { by: 'U_SRE', at: '2026-11-24T04:01:00.000Z' } };
      expect(await incidents.commit('inc-1', 0, late, body('acknowledge'))).toEqual({
        status: 'conflict',
        version: 1,
      });
      expect(await incidents.load('inc-1')).toEqual({ incident: INCIDENT, version: 1 });
      expect(await ledger.head()).toEqual(headBefore);
    });

    it('moves on a version with each change, and lists a changed incident once', async () => {
      const { incidents } = make();
      await incidents.commit('inc-1', 0, INCIDENT, body('open_incident'));
      const acked = { ...INCIDENT, acknowledged: { by: 'U_SRE', at: '2026-11-24T04:01:00.000Z' } };
      expect(await incidents.commit('inc-1', 1, acked, body('acknowledge'))).toMatchObject({ version: 2 });
      expect(await incidents.load('inc-1')).toEqual({ incident: acked, version: 2 });
      expect(await incidents.recent()).toEqual([acked]);
    });

    it('records a refusal in the ledger without changing the incident or its version', async () => {
      const { incidents, ledger } = make();
      await incidents.commit('inc-1', 0, INCIDENT, body('open_incident'));
      const refusal = body('acknowledge', { outcome: 'refused', reason: 'not_permitted' });
      expect(await incidents.commit('inc-1', 1, null, refusal)).toMatchObject({
        status: 'committed',
        version: 1,
        entry: { seq: 2 },
      });
      expect(await incidents.load('inc-1')).toEqual({ incident: INCIDENT, version: 1 });
      expect((await ledger.read()).map((entry) => entry.body.outcome)).toEqual(['applied', 'refused']);
    });

    it('records an alert that opens no incident, leaving no incident behind', async () => {
      const { incidents, ledger } = make();
      expect(await incidents.commit('alert-1', 0, null, recorded('alert_unmatched'))).toMatchObject({
        status: 'committed',
        version: 0,
      });
      expect(await incidents.load('alert-1')).toEqual({ incident: null, version: 0 });
      expect(await incidents.recent()).toEqual([]);
      expect((await ledger.read()).map((entry) => entry.body.reason)).toEqual(['alarm_unknown']);
    });

    it('lists the recent incidents newest first, up to the limit asked for', async () => {
      const { incidents } = make();
      for (const id of ['inc-a', 'inc-b', 'inc-c']) {
        await incidents.commit(id, 0, opened(id, { rollbackId: `rb-${id}` }), body('open_incident'));
      }
      expect((await incidents.recent()).map((incident) => incident.id)).toEqual(['inc-c', 'inc-b', 'inc-a']);
      expect((await incidents.recent(2)).map((incident) => incident.id)).toEqual(['inc-c', 'inc-b']);
      expect(await incidents.ofRollback('rb-inc-b')).toBe('inc-b');
    });

    it('indexes only incidents that started a rollback', async () => {
      const { incidents } = make();
      const { rollbackId: _, ...critical } = opened('inc-c', { severity: 'CRITICAL' });
      await incidents.commit('inc-c', 0, critical, body('open_incident'));
      expect(await incidents.ofRollback('rb-1')).toBeUndefined();
      expect((await incidents.recent()).map((incident) => incident.id)).toEqual(['inc-c']);
    });

    it('lets one owner claim a delivery, and that owner again; a kept one stays claimed, a released one can be claimed again', async () => {
      const { incidents } = make();
      const claims = await Promise.all(
        ['job-1', 'job-2', 'job-3'].map((owner) => incidents.claimDelivery('delivery-1', owner)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      const owner = `job-${claims.indexOf(true) + 1}`;
      // The owner's retry, after its worker died, takes its claim up again; the others still may not.
      expect(await incidents.claimDelivery('delivery-1', owner)).toBe(true);
      expect(await incidents.claimDelivery('delivery-1', owner === 'job-1' ? 'job-2' : 'job-1')).toBe(false);
      await incidents.keepDelivery('delivery-1');
      expect(await incidents.claimDelivery('delivery-1', owner)).toBe(false);
      expect(await incidents.claimDelivery('delivery-2', 'job-1')).toBe(true);
      await incidents.releaseDelivery('delivery-2');
      expect(await incidents.claimDelivery('delivery-2', 'job-1')).toBe(true);
    });

    it("moves the alarm's episode on once, when its incident resolves", async () => {
      const { incidents } = make();
      expect(await incidents.episodeOf('M6', INCIDENT.alarm)).toBe(0);
      await incidents.commit('inc-1', 0, INCIDENT, body('open_incident'));
      expect(await incidents.episodeOf('M6', INCIDENT.alarm)).toBe(0);
      const resolved = { ...INCIDENT, resolvedAt: '2026-11-24T04:10:00.000Z' };
      await incidents.commit('inc-1', 1, resolved, body('resolve_incident'));
      expect(await incidents.episodeOf('M6', INCIDENT.alarm)).toBe(1);
      const acked = { ...resolved, acknowledged: { by: 'U_SRE', at: '2026-11-24T04:11:00.000Z' } };
      await incidents.commit('inc-1', 2, acked, body('acknowledge'));
      expect(await incidents.episodeOf('M6', INCIDENT.alarm)).toBe(1);
      expect(await incidents.episodeOf('M6', 'determinism_variance')).toBe(0);
    });

    it('appends to the one ledger chain that every other writer appends to', async () => {
      const { incidents, ledger } = make();
      const first = await ledger.append(body('start'));
      const result = await incidents.commit('inc-1', 0, INCIDENT, body('open_incident'));
      expect(result).toMatchObject({ entry: { seq: 2, prevHash: first.hash } });
      await ledger.append(body('ramp'));
      expect(verifyLedger(await ledger.read())).toMatchObject({ ok: true, entries: 3 });
    });
  });
}
