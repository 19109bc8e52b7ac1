import { describe, expect, it } from 'vitest';
import { describeCountdown, describeInstant } from '../../src/domain/describe-instant.js';

const NOW = new Date('2025-10-21T14:00:00.000Z');

describe('describeInstant', () => {
  it.each([
    ['later today', '2025-10-21T14:07:00.000Z', '14:07 UTC, in 7 minutes'],
    ['earlier today', '2025-10-21T13:55:00.000Z', '13:55 UTC, 5 minutes ago'],
    ['within the minute, in seconds', '2025-10-21T14:00:20.000Z', '14:00 UTC, in 20 seconds'],
    ['part of a minute on, rounded up', '2025-10-21T14:07:20.000Z', '14:07 UTC, in 8 minutes'],
    ['on another day, with the date', '2025-10-24T09:30:00.000Z', '24 Oct 09:30 UTC, in 3 days'],
    ['after midnight UTC, which is another day', '2025-10-22T00:10:00.000Z', '22 Oct 00:10 UTC, in 11 hours'],
  ])('describes an instant %s in UTC and from now', (_when, at, said) => {
    expect(describeInstant(new Date(at), NOW)).toBe(said);
  });
});

describe('describeCountdown', () => {
  it.each([
    ['minutes and seconds away', '2025-10-21T14:04:12.000Z', '14:04:12 UTC, 4 min 12 s left'],
    ['seconds away', '2025-10-21T14:00:09.000Z', '14:00:09 UTC, 9 s left'],
    ['part of a second away, rounded up', '2025-10-21T14:00:00.400Z', '14:00:00 UTC, 1 s left'],
    ['hours away, with the empty minutes', '2025-10-21T16:00:05.000Z', '16:00:05 UTC, 2 h 0 min 5 s left'],
    [
      'on another day, with the date',
      '2025-10-22T00:00:30.000Z',
      '22 Oct 00:00:30 UTC, 10 h 0 min 30 s left',
    ],
    ['already past', '2025-10-21T13:59:58.000Z', '13:59:58 UTC, ending now'],
  ])('says when an end %s is, to the second, and how long is left', (_when, at, said) => {
    expect(describeCountdown(new Date(at), NOW)).toBe(said);
  });
});
