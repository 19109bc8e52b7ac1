import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../../src/adapters/memory/memory-ledger.js';
import { MemoryRegistryRootRecord } from '../../../src/adapters/memory/memory-registry-root.js';
import { body } from '../../app/ports/rollout-store.contract.js';

const ROOT = 'a'.repeat(64);
const NEXT = 'b'.repeat(64);

describe('MemoryRegistryRootRecord', () => {
  it('holds a lease until it is confirmed or released: in memory, leases never expire', async () => {
    const record = new MemoryRegistryRootRecord(new MemoryLedger());
    expect(await record.begin(null, ROOT, 'first')).toBe(true);
    expect(await record.begin(null, NEXT, 'second')).toBe(false);
    await record.release('second');
    expect(await record.get()).toEqual({ root: null, pendingRoot: ROOT, leased: true });
    await record.release('first');
    expect(await record.begin(null, NEXT, 'second')).toBe(true);
  });

  it('appends the entry of a confirmed or recovered root to the ledger it was given', async () => {
    const ledger = new MemoryLedger();
    const record = new MemoryRegistryRootRecord(ledger);
    await record.begin(null, ROOT, 'writer');
    await record.confirm(ROOT, 'writer', body('registry_adopted'));
    await record.begin(ROOT, NEXT, 'crashed');
    await record.release('crashed');
    expect(await record.recover(NEXT, body('registry_recovered'))).toBe(true);
    expect(ledger.entries.map((entry) => entry.body.action)).toEqual([
      'registry_adopted',
      'registry_recovered',
    ]);
    expect(await record.get()).toEqual({ root: NEXT, pendingRoot: null, leased: false });
  });
});
