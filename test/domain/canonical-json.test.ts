import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import { MecError } from '../../src/domain/errors.js';

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: [true, null, 'x'] }, '{"a":[true,null,"x"],"b":1}'],
    [{ z: { y: 1, x: 2 }, a: {} }, '{"a":{},"z":{"x":2,"y":1}}'],
    [{ é: 1, e: 2, E: 3 }, '{"E":3,"e":2,"é":1}'],
    ['line\nbreak "quoted"', '"line\\nbreak \\"quoted\\""'],
    [1e21, '1e+21'],
    [{ dropped: undefined, kept: 0 }, '{"kept":0}'],
  ])('serialises %j canonically', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('gives the same bytes whatever the key order', () => {
    expect(canonicalJson({ mode: 'shadow', weight: 0 })).toBe(canonicalJson({ weight: 0, mode: 'shadow' }));
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, () => 1, 10n])(
    'refuses %s, which JSON cannot carry',
    (value) => {
      expect(() => canonicalJson(value)).toThrow(MecError);
      expect(() => canonicalJson(value)).toThrow(expect.objectContaining({ code: 'not_json' }));
    },
  );
});
