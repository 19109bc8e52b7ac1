import { describe, expect, it } from 'vitest';
import { flagValueFor, weightServedBy } from '../../src/domain/flag-value.js';

describe('flagValueFor', () => {
  it.each([
    [0, 'shadow'],
    [5, 'ramp'],
    [99, 'ramp'],
    [100, 'enabled'],
  ])('serves %i%% as %s', (weightPct, mode) => {
    expect(flagValueFor(weightPct)).toEqual({ mode, weightPct });
  });
});

describe('weightServedBy', () => {
  it.each([0, 5, 25, 60, 100])('reads %i%% back from its own flag value', (weightPct) => {
    expect(weightServedBy(flagValueFor(weightPct))).toBe(weightPct);
  });

  it.each([
    ['a string', 'on'],
    ['null', null],
    ['an unknown mode', { mode: 'canary', weightPct: 5 }],
    ['a ramp without a number', { mode: 'ramp', weightPct: '5' }],
    ['a ramp past 100%', { mode: 'ramp', weightPct: 150 }],
    ['a ramp of NaN', { mode: 'ramp', weightPct: Number.NaN }],
  ])('cannot tell the weight of %s', (_name, value) => {
    expect(weightServedBy(value)).toBeUndefined();
  });
});
