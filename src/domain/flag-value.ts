/** The value of `meta_prod` for a weight: shadow at 0, ramping in between, enabled at 100. */
export function flagValueFor(weightPct: number) {
  return { mode: weightPct === 0 ? 'shadow' : weightPct === 100 ? 'enabled' : 'ramp', weightPct };
}
