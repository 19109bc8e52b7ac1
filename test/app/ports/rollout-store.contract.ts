import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../../src/app/ports/ledger.js';
import type { Outbox, OutboxWork } from '../../../src/app/ports/outbox.js';
import type { RegistryRootRecord } from '../../../src/app/ports/registry-root-record.js';
import type { RolloutStore } from '../../../src/app/ports/rollout-store.js';
import { decide } from '../../../src/domain/decide.js';
import { GENESIS_HASH, type LedgerBody, type LedgerEntry } from '../../../src/domain/ledger-entry.js';
import type { RolloutState } from '../../../src/domain/rollout-state.js';
import { verifyLedger } from '../../../src/domain/verify-ledger.js';
import { startEvent, T0 } from '../../domain/fixtures.js';

export interface StoreAdapters {
  /** The store, and the outbox its commits write. */
  store: RolloutStore & Outbox;
  /** The store's ledger, with the append its implementations have for seeding a test's history. */
  ledger: Ledger & { append(body: LedgerBody): Promise<LedgerEntry> };
  registryRoot: RegistryRootRecord;
}

export function body(action: string, overrides: Partial<LedgerBody> = {}): LedgerBody {
  return {
    v: 1,
    at: T0.toISOString(),
    phase: 'M6',
    rolloutId: 'R1',
    actor: 'U_RM',
    action,
    outcome: 'applied',
    reason: 'rollout_started',
    before: null,
    after: { trafficPct: 0 },
    detail: { note: 'ünïcödé and "quotes" and \\ backslashes' },
    ...overrides,
  };
}

const started = () => decide(null, startEvent(), T0).state as RolloutState;

/** The work of the start transition, as apply records it. */
const startWork = (): OutboxWork => ({
  phase: 'M6',
  event: startEvent(),
  decision: decide(null, startEvent(), T0),
});

/**
 * What every RolloutStore, Ledger and RegistryRootRecord must do, run against each implementation,
 * the in-memory one included.
 */
export function describeStoreContract(name: string, make: () => StoreAdapters): void {
  describe(`${name}: the store contract`, () => {
    it('loads a phase that was never written as empty, at version 0', async () => {
      const { store } = make();
      expect(await store.load('M6')).toEqual({ state: null, version: 0 });
    });

    it('stores a state with its ledger entry, the first entry pointing at the genesis hash', async () => {
      const { store, ledger } = make();
      const result = await store.commit('M6', 0, started(), body('start'));
      expect(result).toMatchObject({
        status: 'committed',
        version: 1,
        entry: { seq: 1, prevHash: GENESIS_HASH },
      });
      expect(await store.load('M6')).toEqual({ state: started(), version: 1 });
      expect(await ledger.read()).toEqual([result.status === 'committed' && result.entry]);
      expect(verifyLedger(await ledger.read())).toMatchObject({ ok: true, entries: 1 });
    });

    it('refuses a commit at a stale version and changes nothing', async () => {
      const { store, ledger } = make();
      await store.commit('M6', 0, started(), body('start'));
      const headBefore = await ledger.head();
      const result = await store.commit('M6', 0, { ...started(), trafficPct: 5 }, body('ramp'));
      expect(result).toEqual({ status: 'conflict', version: 1 });
      expect((await store.load('M6')).state?.trafficPct).toBe(0);
      expect(await ledger.head()).toEqual(headBefore);
    });

    it('records a refusal in the ledger without changing the state or its version', async () => {
      const { store, ledger } = make();
      await store.commit('M6', 0, started(), body('start'));
      const result = await store.commit(
        'M6',
        1,
        null,
        body('ramp', { outcome: 'refused', reason: 'soak_running' }),
      );
      expect(result).toMatchObject({ status: 'committed', version: 1, entry: { seq: 2 } });
      expect((await store.load('M6')).version).toBe(1);
      expect((await ledger.read()).map((entry) => entry.body.outcome)).toEqual(['applied', 'refused']);
    });

    it('keeps phases apart but chains one ledger across them', async () => {
      const { store, ledger } = make();
      await store.commit('M6', 0, started(), body('start'));
      const m7 = started();
      await store.commit(
        'M7',
        0,
        { ...m7, policy: { ...m7.policy, phase: 'M7' } },
        body('start', { phase: 'M7' }),
      );
      expect((await store.load('M7')).state?.policy.phase).toBe('M7');
      expect((await store.load('M6')).version).toBe(1);
      expect(verifyLedger(await ledger.read())).toMatchObject({ ok: true, entries: 2 });
    });

    it('appends to the ledger with seq and prevHash assigned by the store, and reads from a seq', async () => {
      const { ledger } = make();
      const first = await ledger.append(body('alarm', { outcome: 'recorded' }));
      const second = await ledger.append(body('alarm', { outcome: 'recorded', reason: 'alarm_recorded' }));
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
      expect(await ledger.head()).toEqual({ seq: 2, hash: second.hash });
      expect((await ledger.read(2)).map((entry) => entry.seq)).toEqual([2]);
      expect(verifyLedger(await ledger.read())).toMatchObject({ ok: true, headHash: second.hash });
    });

    it('reads the ledger from any seq: from the middle, from the first, and past the head', async () => {
      const { store, ledger } = make();
      await store.commit('M6', 0, started(), body('start'));
      await store.commit('M6', 1, null, body('ramp', { outcome: 'refused', reason: 'soak_running' }));
      await store.commit('M6', 1, { ...started(), trafficPct: 5 }, body('ramp'));
      const seqs = async (fromSeq?: number) => (await ledger.read(fromSeq)).map((entry) => entry.seq);
      expect(await seqs()).toEqual([1, 2, 3]);
      expect(await seqs(1)).toEqual([1, 2, 3]);
      expect(await seqs(2)).toEqual([2, 3]);
      expect(await seqs(3)).toEqual([3]);
      expect(await seqs(4)).toEqual([]);
      // Up to a seq too: a page of the middle, without reading on to the head.
      expect((await ledger.read(1, 2)).map((entry) => entry.seq)).toEqual([1, 2]);
      expect((await ledger.read(2, 2)).map((entry) => entry.seq)).toEqual([2]);
      expect((await ledger.read(3, 9)).map((entry) => entry.seq)).toEqual([3]);
      expect((await ledger.read(3, 2)).map((entry) => entry.seq)).toEqual([]);
      expect((await ledger.read(2))[0]?.body).toEqual(
        body('ramp', { outcome: 'refused', reason: 'soak_running' }),
      );
    });

    it('hands out copies: changing a loaded state or a read entry changes nothing stored', async () => {
      const { store, ledger } = make();
      await store.commit('M6', 0, started(), body('start'));
      const loaded = await store.load('M6');
      (loaded.state as RolloutState).trafficPct = 60;
      const [entry] = await ledger.read();
      (entry as LedgerEntry).body.actor = 'U_OUTSIDER';
      expect((await store.load('M6')).state).toEqual(started());
      expect(verifyLedger(await ledger.read())).toMatchObject({ ok: true, entries: 1 });
    });

    it("records a commit's work in the outbox under its ledger seq, pending until it is done", async () => {
      const { store } = make();
      expect(await store.pending()).toEqual([]);
      const result = await store.commit('M6', 0, started(), body('start'), { record: startWork() });
      if (result.status !== 'committed') throw new Error('expected a commit');
      await store.commit('M6', 1, null, body('ramp', { outcome: 'refused', reason: 'soak_running' }));
      const second = await store.commit('M6', 1, { ...started(), trafficPct: 5 }, body('ramp'), {
        record: { ...startWork(), event: { type: 'pause', actor: 'U_SRE' } },
      });
      expect(await store.pending()).toEqual([
        { id: '1', version: 1, entry: result.entry, work: startWork() },
        expect.objectContaining({
          id: '3',
          version: 2,
          entry: second.status === 'committed' && second.entry,
        }),
      ]);
      await store.done('1');
      await store.done('1');
      expect((await store.pending()).map((item) => item.id)).toEqual(['3']);
    });

    it('records nothing in the outbox when a commit conflicts', async () => {
      const { store } = make();
      await store.commit('M6', 0, started(), body('start'));
      const result = await store.commit('M6', 0, started(), body('start'), { record: startWork() });
      expect(result).toEqual({ status: 'conflict', version: 1 });
      expect(await store.pending()).toEqual([]);
    });

    it('removes the item a commit carries out with it, and commits nothing once that item is gone', async () => {
      const { store, ledger } = make();
      await store.commit('M6', 0, started(), body('start'), { record: startWork() });
      const carried = await store.commit(
        'M6',
        1,
        null,
        body('ramp', { outcome: 'refused', reason: 'soak_running' }),
        {
          consumes: '1',
        },
      );
      expect(carried).toMatchObject({ status: 'committed', version: 1, entry: { seq: 2 } });
      expect(await store.pending()).toEqual([]);
      const again = await store.commit(
        'M6',
        1,
        null,
        body('ramp', { outcome: 'refused', reason: 'soak_running' }),
        {
          consumes: '1',
        },
      );
      expect(again).toEqual({ status: 'consumed', version: 1 });
      expect((await ledger.read()).map((entry) => entry.seq)).toEqual([1, 2]);
    });

    it('reports the genesis head for an empty ledger', async () => {
      const { ledger } = make();
      expect(await ledger.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
      expect(await ledger.read()).toEqual([]);
    });

    it('lets only the writer that saw the current registry root, and holds the lease, record the next one', async () => {
      const { registryRoot, ledger } = make();
      expect(await registryRoot.get()).toEqual({ root: null, pendingRoot: null, leased: false });
      expect(await registryRoot.begin(null, 'r1', 'A')).toBe(true);
      expect(await registryRoot.get()).toEqual({ root: null, pendingRoot: 'r1', leased: true });
      expect(await registryRoot.begin(null, 'r1-other', 'B')).toBe(false);
      expect(await registryRoot.confirm('r1', 'B', body('registry_write'))).toBe(false);
      expect(await registryRoot.confirm('r1', 'A', body('registry_write'))).toBe(true);
      expect(await registryRoot.get()).toEqual({ root: 'r1', pendingRoot: null, leased: false });
      expect(await registryRoot.begin(null, 'r2', 'C')).toBe(false);
      expect(await registryRoot.begin('r1', 'r2', 'C')).toBe(true);
      expect((await ledger.read()).map((entry) => entry.body.action)).toEqual(['registry_write']);
    });

    it('records a confirmed root and its ledger entry together', async () => {
      const { registryRoot, ledger } = make();
      await registryRoot.begin(null, 'r1', 'A');
      await registryRoot.confirm('r1', 'A', body('registry_write', { after: { root: 'r1' } }));
      expect((await ledger.read()).at(-1)?.body.after).toEqual({ root: 'r1' });
      expect(verifyLedger(await ledger.read()).ok).toBe(true);
    });

    it('lets a released lease be taken by another writer, and only its holder release it', async () => {
      const { registryRoot } = make();
      await registryRoot.begin(null, 'r1', 'A');
      await registryRoot.release('B');
      expect((await registryRoot.get()).leased).toBe(true);
      await registryRoot.release('A');
      expect(await registryRoot.begin(null, 'r1', 'B')).toBe(true);
    });

    it('keeps the root of a failed write pending, with the confirmed root unchanged, until a writer replaces it', async () => {
      const { registryRoot } = make();
      await registryRoot.begin(null, 'r1', 'A');
      await registryRoot.confirm('r1', 'A', body('registry_write'));
      expect(await registryRoot.begin('r1', 'r2', 'B')).toBe(true);
      await registryRoot.release('B');
      expect(await registryRoot.get()).toEqual({ root: 'r1', pendingRoot: 'r2', leased: false });
      expect(await registryRoot.begin('r1', 'r3', 'C')).toBe(true);
      expect(await registryRoot.get()).toEqual({ root: 'r1', pendingRoot: 'r3', leased: true });
    });

    it('does not let the lease holder begin again, nor a writer confirm after giving its lease up', async () => {
      const { registryRoot, ledger } = make();
      expect(await registryRoot.begin(null, 'r1', 'A')).toBe(true);
      expect(await registryRoot.begin(null, 'r1', 'A')).toBe(false);
      await registryRoot.release('A');
      expect(await registryRoot.confirm('r1', 'A', body('registry_write'))).toBe(false);
      expect(await registryRoot.get()).toEqual({ root: null, pendingRoot: 'r1', leased: false });
      expect(await ledger.read()).toEqual([]);
    });

    it('recovers nothing when no root is pending', async () => {
      const { registryRoot, ledger } = make();
      expect(await registryRoot.recover('r1', body('registry_recovered'))).toBe(false);
      await registryRoot.begin(null, 'r1', 'A');
      await registryRoot.confirm('r1', 'A', body('registry_write'));
      expect(await registryRoot.recover('r1', body('registry_recovered'))).toBe(false);
      expect((await ledger.read()).map((entry) => entry.body.action)).toEqual(['registry_write']);
    });

    it('recovers a pending root only when no writer holds the lease', async () => {
      const { registryRoot, ledger } = make();
      await registryRoot.begin(null, 'r1', 'A');
      expect(await registryRoot.recover('r1', body('registry_recovered'))).toBe(false);
      await registryRoot.release('A');
      expect(await registryRoot.recover('r2', body('registry_recovered'))).toBe(false);
      expect(await registryRoot.recover('r1', body('registry_recovered'))).toBe(true);
      expect(await registryRoot.get()).toEqual({ root: 'r1', pendingRoot: null, leased: false });
      expect((await ledger.read()).map((entry) => entry.body.action)).toEqual(['registry_recovered']);
    });

    it('does not let a writer whose lease was taken over overwrite the record when it confirms late', async () => {
      const { registryRoot } = make();
      await registryRoot.begin(null, 'rA', 'A');
      // A crashes before confirming; its lease is given up (it expires, in Redis) and a check recovers rA.
      await registryRoot.release('A');
      await registryRoot.recover('rA', body('registry_recovered'));
      await registryRoot.begin('rA', 'rC', 'C');
      await registryRoot.confirm('rC', 'C', body('registry_write'));
      expect(await registryRoot.confirm('rA', 'A', body('registry_write'))).toBe(false);
      expect((await registryRoot.get()).root).toBe('rC');
    });
  });
}
