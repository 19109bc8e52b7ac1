/** The value of `meta_prod` for a weight: shadow at 0, ramping in between, enabled at 100. */
export function flagValueFor(weightPct: number) {
  return { mode: weightPct === 0 ? 'shadow' : weightPct === 100 ? 'enabled' : 'ramp', weightPct };
}

/**
 * The weight a `meta_prod` value serves, read back: the inverse of flagValueFor. Undefined for a value
 * of another shape, whose weight cannot be told (the registry guard answers for such an edit).
 */
export function weightServedBy(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { mode, weightPct } = value as { mode?: unknown; weightPct?: unknown };
  if (mode === 'shadow') return 0;
  if (mode === 'enabled') return 100;
  if (mode !== 'ramp' || typeof weightPct !== 'number' || !Number.isFinite(weightPct)) return undefined;
  return weightPct >= 0 && weightPct <= 100 ? weightPct : undefined;
}
