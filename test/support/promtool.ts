import { execFile } from 'node:child_process';

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
