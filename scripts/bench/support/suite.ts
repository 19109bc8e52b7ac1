import type { Row } from './report.js';

export interface BenchContext {
  /** --quick: fewer samples and sizes, the whole run under 3 minutes. */
  quick: boolean;
  /** Where suites may write files of their own (profiles, fixtures): bench-results/, not committed. */
  resultsDir: string;
  /** Prints a progress line to stderr, so the table on stdout stays clean. */
  log(message: string): void;
}

export interface Suite {
  name: string;
  run(context: BenchContext): Promise<Row[]>;
}

/** How many times each comparison is repeated (each repeat is A B B A). */
export const REPEATS = 3;

/**
 * Runs the measured side and its baseline interleaved A B B A, `repeats` times, so drift on a shared
 * machine falls on both. Each call returns that run's samples; a repeat's samples are its two runs'.
 */
export async function abba(
  repeats: number,
  measured: () => Promise<number[]>,
  baseline: () => Promise<number[]>,
): Promise<{ measured: number[][]; baseline: number[][] }> {
  const result = { measured: [] as number[][], baseline: [] as number[][] };
  for (let repeat = 0; repeat < repeats; repeat++) {
    const a1 = await baseline();
    const b1 = await measured();
    const b2 = await measured();
    const a2 = await baseline();
    result.measured.push([...b1, ...b2]);
    result.baseline.push([...a1, ...a2]);
  }
  return result;
}

/**
 * Starts processes together, all or none: when one fails to start, those that did are stopped before
 * the failure is passed on, so a suite that cannot start leaves nothing running to hold the run open.
 */
export async function startAll<const Starts extends ReadonlyArray<() => Promise<{ stop(): Promise<void> }>>>(
  starts: Starts,
): Promise<{ -readonly [K in keyof Starts]: Awaited<ReturnType<Starts[K]>> }> {
  const settled = await Promise.allSettled(starts.map((start) => start()));
  const failed = settled.find((result) => result.status === 'rejected');
  if (!failed)
    return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as {
      -readonly [K in keyof Starts]: Awaited<ReturnType<Starts[K]>>;
    };
  await Promise.allSettled(
    settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value.stop()] : [])),
  );
  throw failed.reason;
}
