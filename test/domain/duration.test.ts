import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs } from '../../src/domain/duration.js';

describe('parseDurationMs', () => {
  it.each([
    ['15m', 900_000],
    ['30s', 30_000],
    ['250ms', 250],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    [' 45s ', 45_000],
    ['0s', 0],
  ])('reads %j as %d ms', (text, expectedMs) => {
    expect(parseDurationMs(text)).toBe(expectedMs);
  });

  it.each(['', '15', 'm', '15 m', '-5m', '1.5h', '15min', '15m garbage', '10x'])('rejects %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });

  it.each([900_000, 30_000, 250, 5_400_000, 90_061_001])(
    'round-trips %d ms through formatDurationMs',
    (totalMs) => {
      expect(parseDurationMs(formatDurationMs(totalMs))).toBe(totalMs);
    },
  );
});
