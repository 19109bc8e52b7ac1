import { describe, expect, it } from 'vitest';
import { CARD_RESERVE, POST_BURST, RedisPostPacer } from '../../../src/adapters/redis/redis-post-pacer.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();
const C_RELEASE = 'C0RELEASE01';
const C_INCIDENT = 'C0INCIDENT1';
const INTERVAL_MS = 60_000;

describe('RedisPostPacer', () => {
  it("gives one channel's burst to exactly that many of the posts many processes ask for at once", async () => {
    const { prefix, connect } = testRedis();
    const pacers = [connect(), connect()].map((redis) => new RedisPostPacer(redis, prefix, INTERVAL_MS));
    const waits = await Promise.all(
      Array.from({ length: 40 }, (_, n) => (pacers[n % 2] as RedisPostPacer).take(C_RELEASE, 'card')),
    );
    expect(waits.filter((waitMs) => waitMs === 0)).toHaveLength(POST_BURST);
    for (const waitMs of waits.filter((wait) => wait > 0)) {
      expect(waitMs).toBeGreaterThan(0);
      expect(waitMs).toBeLessThanOrEqual(INTERVAL_MS);
    }
  });

  it("keeps each channel's allowance apart: posts to the release channel hold no other channel back", async () => {
    const { prefix, connect } = testRedis();
    const pacer = new RedisPostPacer(connect(), prefix, INTERVAL_MS);
    for (let post = 0; post < POST_BURST; post++) expect(await pacer.take(C_RELEASE, 'card')).toBe(0);
    expect(await pacer.take(C_INCIDENT, 'card')).toBe(0);
    expect(await pacer.take(C_RELEASE, 'card')).toBeGreaterThan(0);
  });

  it('gives back one post per interval once the burst is spent, never a second one at once', async () => {
    const { prefix, connect } = testRedis();
    const pacer = new RedisPostPacer(connect(), prefix, 1_000);
    for (let post = 0; post < POST_BURST; post++) expect(await pacer.take(C_RELEASE, 'card')).toBe(0);
    const waitMs = await pacer.take(C_RELEASE, 'card');
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(1_000);
    await expect.poll(() => pacer.take(C_RELEASE, 'card'), { timeout: 5_000, interval: 50 }).toBe(0);
    // What came back was one post: the next waits most of an interval again.
    expect(await pacer.take(C_RELEASE, 'card')).toBeGreaterThan(500);
  });

  it('leaves CARD_RESERVE posts for cards: a run of thread notes never makes a card wait', async () => {
    const { prefix, connect } = testRedis();
    const pacer = new RedisPostPacer(connect(), prefix, INTERVAL_MS);
    const notes = await Promise.all(Array.from({ length: 10 }, () => pacer.take(C_RELEASE, 'note')));
    expect(notes.filter((waitMs) => waitMs === 0)).toHaveLength(POST_BURST - CARD_RESERVE);
    // The go/no-go card and the approval card right behind it both go at once.
    for (let card = 0; card < CARD_RESERVE; card++) expect(await pacer.take(C_RELEASE, 'card')).toBe(0);
    // The allowance is spent: the next card waits, and a note waits longer, for the reserve to come back.
    const cardWaitMs = await pacer.take(C_RELEASE, 'card');
    const noteWaitMs = await pacer.take(C_RELEASE, 'note');
    expect(cardWaitMs).toBeGreaterThan(0);
    expect(cardWaitMs).toBeLessThanOrEqual(INTERVAL_MS);
    expect(noteWaitMs).toBeGreaterThan(CARD_RESERVE * INTERVAL_MS);
  });

  it('paces nothing with an interval of 0', async () => {
    const { prefix, connect } = testRedis();
    const pacer = new RedisPostPacer(connect(), prefix, 0);
    for (let post = 0; post <= POST_BURST; post++) expect(await pacer.take(C_RELEASE, 'card')).toBe(0);
  });
});
