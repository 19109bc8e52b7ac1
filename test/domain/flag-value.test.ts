import { describe, expect, it } from 'vitest';
import { flagValueFor } from '../../src/domain/flag-value.js';

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
