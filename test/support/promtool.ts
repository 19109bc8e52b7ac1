import { execFile } from 'node:child_process';
import type { Registry } from 'prom-client';

/**
 * Runs the real `promtool check metrics` on a scrape, as `curl …/metrics | promtool check metrics`
 * does. Exit code 0 with no output is clean; otherwise the output lists each problem.
 */
export function promtoolCheckMetrics(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) =>
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
        output: stdout + stderr,
      }),
    );
    child.stdin?.end(text);
  });
}

/**
 * Every series name a registry exports, as PromQL names them: a histogram is its `_bucket`, `_sum`
 * and `_count` series (and not its bare name, which matches nothing in Prometheus).
 */
export async function exportedSeriesNames(registry: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    // prom-client's types declare a numeric enum; at run time the type is its name, e.g. 'histogram'.
    const type = String(metric.type);
    if (type === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    } else if (type === 'summary') {
      for (const suffix of ['', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    } else {
      names.add(metric.name);
    }
  }
  return names;
}
