import { describe, expect, it } from 'vitest';
import { RedisLedger } from '../../../src/adapters/redis/redis-ledger.js';
import { GENESIS_HASH } from '../../../src/domain/ledger-entry.js';
import { entryOf, parseStoredEntry } from '../../../src/domain/stored-entry.js';
import { verifyLedger } from '../../../src/domain/verify-ledger.js';
import { body } from '../../app/ports/rollout-store.contract.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('RedisLedger', () => {
  const ROUNDS = 200;

  it(`appends from two connections at once, ${ROUNDS} each, into one unbroken chain`, async () => {
    const { prefix, connect } = testRedis();
    const [a, b] = [new RedisLedger(connect(), prefix), new RedisLedger(connect(), prefix)];
    await Promise.all(
      Array.from({ length: ROUNDS }, (_, i) => [
        a.append(body('append', { actor: `A${i}` })),
        b.append(body('append', { actor: `B${i}` })),
      ]).flat(),
    );
    const entries = await a.read();
    expect(verifyLedger(entries)).toMatchObject({ ok: true, entries: 2 * ROUNDS });
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 2 * ROUNDS }, (_, i) => i + 1));
    const actors = new Set(entries.map((entry) => entry.body.actor));
    expect(actors.size).toBe(2 * ROUNDS);
  });

  it('reads a ledger longer than one page, from any seq', async () => {
    const { prefix, connect } = testRedis();
    const ledger = new RedisLedger(connect(), prefix);
    const bodies = Array.from({ length: 1_005 }, (_, i) => body('append', { actor: `U${i}` }));
    for (const entry of bodies) await ledger.append(entry);
    expect(await ledger.read()).toHaveLength(1_005);
    expect((await ledger.read(1_003)).map((entry) => entry.seq)).toEqual([1_003, 1_004, 1_005]);
    expect(await ledger.read(2_000)).toEqual([]);
    // A range across the page boundary reads only that range.
    expect((await ledger.read(998, 1_002)).map((entry) => entry.seq)).toEqual([
      998, 999, 1_000, 1_001, 1_002,
    ]);
  });

  it('hands out the stored texts a page of at most 1,000 at a time, and stops cleanly when the reader does', async () => {
    const { prefix, connect } = testRedis();
    const ledger = new RedisLedger(connect(), prefix);
    for (let i = 0; i < 1_005; i += 1) await ledger.append(body('append', { actor: `U${i}` }));
    const streamed: string[] = [];
    for await (const text of ledger.stream()) streamed.push(text);
    const pages: (readonly string[])[] = [];
    for await (const page of ledger.pages()) pages.push(page);
    expect(pages.map((page) => page.length)).toEqual([1_000, 5]);
    expect(pages.flat()).toEqual(streamed);
    const ranged: (readonly string[])[] = [];
    for await (const page of ledger.pages(999, 1_002)) ranged.push(page);
    expect(ranged.flat().map((text) => parseStoredEntry(text)?.seq)).toEqual([999, 1_000, 1_001, 1_002]);
    // The page read ahead is left unread when the reader stops after the first.
    for await (const page of ledger.pages()) if (page.length > 0) break;
    expect(await ledger.head()).toMatchObject({ seq: 1_005 });
  });

  it('answers an append with the entry as stored, and the head with its seq and hash', async () => {
    const { prefix, connect } = testRedis();
    const ledger = new RedisLedger(connect(), prefix);
    expect(await ledger.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
    const first = await ledger.append(body('start'));
    const second = await ledger.append(body('ramp'));
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, body: body('ramp') });
    expect(await ledger.read()).toEqual([first, second]);
    expect(await ledger.head()).toEqual({ seq: 2, hash: second.hash });
  });

  it('streams the stored text of a range of entries, in the shape verify reads by position', async () => {
    const { prefix, connect } = testRedis();
    const ledger = new RedisLedger(connect(), prefix);
    for (let i = 0; i < 5; i += 1) await ledger.append(body('append', { actor: `U${i}` }));
    const texts: string[] = [];
    for await (const text of ledger.stream(2, 4)) texts.push(text);
    const stored = texts.map(parseStoredEntry);
    expect(stored.map((entry) => entry?.seq)).toEqual([2, 3, 4]);
    expect(stored.map((entry) => entry && entryOf(entry))).toEqual(await ledger.read(2, 4));
  });
});
