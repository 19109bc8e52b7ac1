import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AckFirst } from '../../../src/adapters/slack/ack-first.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Whether a promise has settled by now, without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('AckFirst', () => {
  it('lets work after an ack run at once when no other request is being read', async () => {
    expect(await settled(new AckFirst(250).afterAcks())).toBe(true);
  });

  it('holds the work while a later request waits for its ack, and lets it go when that ack has gone', async () => {
    const acks = new AckFirst(250);
    const first = new EventEmitter();
    const second = new EventEmitter();
    acks.track(first);
    acks.track(second);
    const work = acks.afterAcks();
    first.emit('finish');
    expect(await settled(work)).toBe(false);
    // A connection closed before its answer counts as answered, once.
    second.emit('close');
    second.emit('finish');
    expect(await settled(work)).toBe(true);
    expect(await settled(acks.afterAcks())).toBe(true);
  });

  it('holds the work no longer than its wait, however many requests keep arriving', async () => {
    const acks = new AckFirst(250);
    acks.track(new EventEmitter());
    const work = acks.afterAcks();
    await vi.advanceTimersByTimeAsync(249);
    expect(await settled(work)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(work)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
