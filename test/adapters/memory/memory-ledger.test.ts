import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../../src/adapters/memory/memory-ledger.js';
import { GENESIS_HASH } from '../../../src/domain/ledger-entry.js';
import { entryOf, parseStoredEntry } from '../../../src/domain/stored-entry.js';
import { verifyLedger } from '../../../src/domain/verify-ledger.js';
import { body } from '../../app/ports/rollout-store.contract.js';

describe('MemoryLedger', () => {
  it('chains entries as soon as they are appended, without waiting, so a store can commit in one step', () => {
    const ledger = new MemoryLedger();
    const first = ledger.appendNow(body('start'));
    const second = ledger.appendNow(body('ramp'));
    expect([first.seq, first.prevHash, second.prevHash]).toEqual([1, GENESIS_HASH, first.hash]);
    expect(verifyLedger(ledger.entries)).toMatchObject({ ok: true, entries: 2 });
  });

  it('hands out copies: changing what it answered changes no entry', async () => {
    const ledger = new MemoryLedger();
    const appended = await ledger.append(body('start'));
    appended.body.actor = 'U_MALLORY';
    const [read] = await ledger.read();
    if (read) read.body.reason = 'duplicate';
    expect(ledger.entries[0]?.body).toEqual(body('start'));
    expect(verifyLedger(await ledger.read())).toMatchObject({ ok: true });
  });

  it('keeps its own copy of a body, so the caller changing it later changes nothing', () => {
    const ledger = new MemoryLedger();
    const written = body('start');
    ledger.appendNow(written);
    written.actor = 'U_MALLORY';
    expect(verifyLedger(ledger.entries)).toMatchObject({ ok: true });
  });

  it('streams the stored text of a range of entries, in the shape verify reads by position', async () => {
    const ledger = new MemoryLedger();
    for (let i = 0; i < 5; i += 1) await ledger.append(body('append', { actor: `U${i}` }));
    const texts: string[] = [];
    for await (const text of ledger.stream(2, 4)) texts.push(text);
    const stored = texts.map(parseStoredEntry);
    expect(stored.map((entry) => entry?.seq)).toEqual([2, 3, 4]);
    expect(stored.map((entry) => entry && entryOf(entry))).toEqual(await ledger.read(2, 4));
  });
});
