import { type Statistic, statistic } from './stats.js';

/**
 * What a figure must meet. `ratio` compares the figure's statistic with the same statistic of its
 * baseline, repeat by repeat; the others compare the figure's statistic with a fixed value.
 */
export type Target =
  | { kind: 'ratio'; atMost: number }
  | { kind: 'below'; value: number }
  | { kind: 'atMost'; value: number }
  | { kind: 'atLeast'; value: number }
  | { kind: 'equals'; value: number }
  /** Shown for context, with no target of its own (a baseline's own figure, say). */
  | { kind: 'none' };

/** One figure of the benchmark: the measured side and, for ratio targets, its baseline. */
export interface Row {
  /** The suite that measured it: edge, rollback, storm, ledger, footprint, plan. */
  suite: string;
  figure: string;
  /** The samples' unit: ms, s, MB, entries/s, count. */
  unit: string;
  /** The samples of each repeat of the comparison (three where it is ABBA-interleaved). */
  repeats: number[][];
  baseline?: { name: string; repeats: number[][] };
  /** The statistic the target is about, per repeat. */
  statistic: Statistic;
  target: Target;
  note?: string;
}

export interface Verdict {
  row: Row;
  /** The statistic of each repeat, and of the baseline's repeat beside it. */
  values: number[];
  baselineValues: number[];
  /** value / baseline per repeat, for rows with a baseline. */
  ratios: number[];
  /** The repeat the verdict is taken on: the median one, so one noisy repeat neither passes nor fails a row. */
  decisive: number;
  pass: boolean | undefined;
}

const median = (values: readonly number[]) => statistic(values, 'median');

export function judge(row: Row): Verdict {
  const values = row.repeats.map((samples) => statistic(samples, row.statistic));
  const baselineValues = row.baseline?.repeats.map((samples) => statistic(samples, row.statistic)) ?? [];
  const ratios = row.baseline ? values.map((value, i) => value / (baselineValues[i] as number)) : [];
  const target = row.target;
  const decisive = target.kind === 'ratio' ? median(ratios) : median(values);
  let pass: boolean | undefined;
  if (Number.isNaN(decisive)) pass = target.kind === 'none' ? undefined : false;
  else
    switch (target.kind) {
      case 'ratio':
        pass = decisive <= target.atMost;
        break;
      case 'below':
        pass = decisive < target.value;
        break;
      case 'atMost':
        pass = decisive <= target.value;
        break;
      case 'atLeast':
        pass = decisive >= target.value;
        break;
      case 'equals':
        // Counts must hold in every repeat: one doubled ledger entry is a failure, not noise.
        pass = values.every((value) => value === target.value);
        break;
      case 'none':
        pass = undefined;
    }
  return { row, values, baselineValues, ratios, decisive, pass };
}

function number(value: number): string {
  if (Number.isNaN(value)) return '–';
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function spread(values: readonly number[], suffix = ''): string {
  if (values.length === 0) return '–';
  const low = number(Math.min(...values));
  const high = number(Math.max(...values));
  return low === high ? `${low}${suffix}` : `${low}–${high}${suffix}`;
}

function describeTarget(row: Row): string {
  const target = row.target;
  const what = `${row.statistic}`;
  switch (target.kind) {
    case 'ratio':
      return `${what} ≤ ${target.atMost}× baseline`;
    case 'below':
      return `${what} < ${target.value} ${row.unit}`;
    case 'atMost':
      return `${what} ≤ ${target.value} ${row.unit}`;
    case 'atLeast':
      return `${what} ≥ ${target.value} ${row.unit}`;
    case 'equals':
      return `= ${target.value}`;
    case 'none':
      return '–';
  }
}

/** The table `npm run bench` prints and docs/benchmarks.md quotes: one row per figure. */
export function table(verdicts: readonly Verdict[]): string {
  const lines = [
    '| figure | unit | median | p99 | max | baseline | ratio (spread of repeats) | target | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const verdict of verdicts) {
    const { row } = verdict;
    const all = row.repeats.flat();
    const baseline = row.baseline
      ? `${row.baseline.name}: ${row.statistic} ${spread(verdict.baselineValues)}`
      : '–';
    lines.push(
      `| ${row.figure} | ${row.unit} | ${number(statistic(all, 'median'))} | ${number(statistic(all, 'p99'))} | ${number(statistic(all, 'max'))} | ${baseline} | ${spread(verdict.ratios, '×')} | ${describeTarget(row)} | ${verdict.pass === undefined ? 'info' : verdict.pass ? 'pass' : '**FAIL**'} |`,
    );
  }
  return lines.join('\n');
}
