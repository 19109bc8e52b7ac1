import { describe, expect, it } from 'vitest';
import { judge, type Row, table } from '../../../../scripts/bench/support/report.js';
import { quantile } from '../../../../scripts/bench/support/stats.js';

const row = (overrides: Partial<Row>): Row => ({
  suite: 'edge',
  figure: 'ack p99',
  unit: 'ms',
  repeats: [[10]],
  statistic: 'p99',
  target: { kind: 'none' },
  ...overrides,
});

describe('quantile', () => {
  it.each([
    [[5], 0.99, 5],
    [[1, 2, 3, 4], 0.5, 2],
    [Array.from({ length: 100 }, (_, i) => i + 1), 0.99, 99],
    [Array.from({ length: 200 }, (_, i) => 200 - i), 0.99, 198],
  ])('takes the nearest rank of %j at %d', (samples, q, expected) => {
    expect(quantile(samples, q)).toBe(expected);
  });

  it('is NaN for no samples', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('judge', () => {
  it('passes a ratio row on its median repeat, so one noisy repeat neither passes nor fails it', () => {
    const verdict = judge(
      row({
        repeats: [[12], [13], [40]],
        baseline: { name: 'bare', repeats: [[10], [10], [10]] },
        target: { kind: 'ratio', atMost: 1.3 },
      }),
    );
    expect(verdict.ratios).toEqual([1.2, 1.3, 4]);
    expect(verdict.decisive).toBe(1.3);
    expect(verdict.pass).toBe(true);
  });

  it('fails a ratio row whose median repeat is over the target', () => {
    const verdict = judge(
      row({
        repeats: [[12], [14], [15]],
        baseline: { name: 'bare', repeats: [[10], [10], [10]] },
        target: { kind: 'ratio', atMost: 1.3 },
      }),
    );
    expect(verdict.pass).toBe(false);
  });

  it.each([
    [{ kind: 'below', value: 50 } as const, [[49]], true],
    [{ kind: 'below', value: 50 } as const, [[50]], false],
    [{ kind: 'atMost', value: 50 } as const, [[50]], true],
    [{ kind: 'atLeast', value: 5000 } as const, [[4999]], false],
    [{ kind: 'atLeast', value: 5000 } as const, [[5000]], true],
  ])('compares the statistic with a fixed %j', (target, repeats, pass) => {
    expect(judge(row({ target, repeats, statistic: 'max' })).pass).toBe(pass);
  });

  it('fails a count row when any repeat differs: one doubled entry is a failure, not noise', () => {
    const target = { kind: 'equals', value: 1 } as const;
    expect(judge(row({ target, repeats: [[1], [1], [1]], statistic: 'max' })).pass).toBe(true);
    expect(judge(row({ target, repeats: [[1], [2], [1]], statistic: 'max' })).pass).toBe(false);
  });

  it('fails a row that measured nothing, and leaves a row without a target unjudged', () => {
    expect(judge(row({ repeats: [[]], target: { kind: 'below', value: 5 } })).pass).toBe(false);
    expect(judge(row({ target: { kind: 'none' } })).pass).toBeUndefined();
  });
});

describe('table', () => {
  it('prints each row with its baseline, the spread of ratios, the target and a loud FAIL', () => {
    const printed = table([
      judge(
        row({
          figure: 'status ack p99, 50 in flight',
          repeats: [[30], [34]],
          baseline: { name: 'bare Bolt', repeats: [[10], [11]] },
          target: { kind: 'ratio', atMost: 1.3 },
        }),
      ),
    ]);
    expect(printed).toContain(
      '| status ack p99, 50 in flight | ms | 30.0 | 34.0 | 34.0 | bare Bolt: p99 10.0–11.0 |',
    );
    expect(printed).toContain('| 3.00–3.09× |');
    expect(printed).toContain('p99 ≤ 1.3× baseline | **FAIL** |');
  });
});
