import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExpiringMemo } from '../../src/infra/expiring-memo.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('ExpiringMemo', () => {
  it('answers each key until its own time runs out, and not after it is forgotten', () => {
    vi.useFakeTimers();
    const memo = new ExpiringMemo<string>(10);
    memo.set('a', 'first', 1_000);
    memo.set('b', 'second', 3_000);
    vi.advanceTimersByTime(999);
    expect([memo.get('a'), memo.get('b')]).toEqual(['first', 'second']);
    vi.advanceTimersByTime(1);
    expect([memo.get('a'), memo.get('b')]).toEqual([undefined, 'second']);
    memo.forget('b');
    expect(memo.get('b')).toBeUndefined();
  });

  it('holds at most its capacity, forgetting the oldest key first; a key set again is the newest', () => {
    const memo = new ExpiringMemo<number>(2);
    memo.set('a', 1, 60_000);
    memo.set('b', 2, 60_000);
    memo.set('a', 3, 60_000);
    memo.set('c', 4, 60_000);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([3, undefined, 4]);
  });
});
