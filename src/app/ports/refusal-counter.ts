/** Where one refusal stands among identical ones (same phase, person, action and reason). */
export interface RefusalCount {
  /** 1 for the first refusal of a window, 2 for its first repeat, and so on. */
  nth: number;
  /** For the first of a window: the repeats of the window before it, never written on their own. */
  collapsedBefore: number;
}

/**
 * Counts identical refusals, so a flood of them becomes one ledger entry per window. Atomic across
 * processes: of many concurrent identical refusals exactly one is the first of its window.
 */
export interface RefusalCounter {
  /** Counts one refusal under `key`; a window lasts `windowMs` milliseconds from its first refusal. */
  count(key: string, windowMs: number): Promise<RefusalCount>;
}
