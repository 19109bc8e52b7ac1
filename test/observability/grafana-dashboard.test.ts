import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { MemoryRolloutStore } from '../../src/adapters/memory/memory-rollout-store.js';
import { BotMetrics } from '../../src/adapters/prometheus/bot-metrics.js';
import { asSent, dashboard, expressions } from '../support/grafana-dashboard.js';
import { exportedSeriesNames } from '../support/promtool.js';

const run = promisify(execFile);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'by', 'without']);

/**
 * The metric names an expression selects. Strings, label matchers, ranges and the label lists of
 * grouping and matching clauses go first; what is left that is not a function call, a keyword or a
 * number is a metric name.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, ' ');
  const names = [...bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?!\s*\(|[A-Za-z0-9_:])/g)].map(
    (match) => match[0],
  );
  return [...new Set(names.filter((name) => !KEYWORDS.has(name.toLowerCase())))];
}

/** The series names the bot exports, from its own registry: histograms as _bucket, _sum and _count. */
async function exported(): Promise<Set<string>> {
  const metrics = new BotMetrics({
    store: new MemoryRolloutStore(new MemoryLedger()),
    phase: 'M6',
    alarms: [],
    queues: [],
    artifactRoot: async () => 'a'.repeat(64),
    now: () => new Date(),
    build: { version: 'test', role: 'all' },
  });
  return exportedSeriesNames(metrics.registry);
}

describe('metricNames', () => {
  it.each([
    ['a selector', 'mec_gates_open{phase="M6"}', ['mec_gates_open']],
    [
      'a quantile over a rate, with grouping',
      'histogram_quantile(0.95, sum by (le, queue) (rate(mec_job_duration_seconds_bucket[5m])))',
      ['mec_job_duration_seconds_bucket'],
    ],
    [
      'a join, whose label lists are not metrics',
      'rate(process_cpu_seconds_total[5m]) * on (instance, job) group_left (role) mec_build_info',
      ['process_cpu_seconds_total', 'mec_build_info'],
    ],
    ['a comparison and a string with braces', 'max(a_total{x="}{"}) > bool 1e3 or b', ['a_total', 'b']],
  ])('finds the metrics in %s', (_what, expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });
});

describe('the Grafana dashboard', () => {
  it('shows traffic, gates, alarms, rollbacks, alarm-to-shadow latency and job health', async () => {
    const named = new Set((await expressions()).flatMap(({ expr }) => metricNames(expr)));
    for (const name of [
      'mec_traffic_weight_ratio',
      'mec_rollout_stage',
      'mec_gates_open',
      'mec_alarms_total',
      'mec_rollbacks_total',
      'mec_alarm_to_shadow_seconds_bucket',
      'mec_job_duration_seconds_count',
      'mec_jobs_failed_total',
    ])
      expect(named).toContain(name);
  });

  it('names in every expression only metrics the bot exports', async () => {
    const names = await exported();
    const unknown = (await expressions()).flatMap(({ title, expr }) => {
      const used = metricNames(expr);
      // An expression that names no metric at all would pass trivially: it is a mistake too.
      if (used.length === 0) return [`${title}: no metric in ${expr}`];
      return used.filter((name) => !names.has(name)).map((name) => `${title}: ${name}`);
    });
    expect(unknown).toEqual([]);
    for (const variable of (await dashboard()).templating.list.filter((entry) => entry.type === 'query')) {
      const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
      const metric = /^label_values\(([A-Za-z_:][A-Za-z0-9_:]*)\s*,/.exec(query)?.[1];
      expect(metric && names.has(metric), `variable ${variable.name}: ${query}`).toBe(true);
    }
  });

  it('holds only expressions Prometheus parses (promtool check rules on them as recording rules)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mec-dashboard-'));
    const rules = (await expressions()).map(({ expr }, index) => ({
      record: `mec_dashboard_expression_${index}`,
      expr: asSent(expr),
    }));
    await writeFile(join(dir, 'dashboard.rules.yml'), stringify({ groups: [{ name: 'dashboard', rules }] }));
    const { stdout } = await run('promtool', ['check', 'rules', join(dir, 'dashboard.rules.yml')]);
    expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});
