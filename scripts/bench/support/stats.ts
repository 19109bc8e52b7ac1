/** The q-quantile (0..1) of the samples by the nearest-rank method; NaN for none. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export type Statistic = 'median' | 'p99' | 'max' | 'min' | 'mean';

export function statistic(samples: readonly number[], which: Statistic): number {
  switch (which) {
    case 'median':
      return quantile(samples, 0.5);
    case 'p99':
      return quantile(samples, 0.99);
    case 'max':
      return samples.length === 0 ? Number.NaN : Math.max(...samples);
    case 'min':
      return samples.length === 0 ? Number.NaN : Math.min(...samples);
    case 'mean':
      return samples.length === 0 ? Number.NaN : samples.reduce((sum, x) => sum + x, 0) / samples.length;
  }
}
