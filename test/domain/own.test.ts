import { describe, expect, it } from 'vitest';
import { own } from '../../src/domain/own.js';

describe('own', () => {
  const gates: Record<string, string> = { determinism_variance: 'open' };

  it('reads a key the record holds', () => {
    expect(own(gates, 'determinism_variance')).toBe('open');
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'missing'])(
    'finds nothing for %s, which the record does not hold itself',
    (key) => {
      expect(own(gates, key)).toBeUndefined();
    },
  );
});
