import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { suites } from './suites/index.js';
import { judge, type Row, table } from './support/report.js';
import type { BenchContext, Suite } from './support/suite.js';

/**
 * `npm run bench [-- --quick] [-- suite ...]`: every figure of docs/benchmarks.md, each with its
 * baseline measured in the same run. Prints one row per figure, writes the raw samples to
 * bench-results/bench-<time>.json (not committed), and exits 1 when any target is missed.
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const chosen = args.filter((arg) => !arg.startsWith('--'));
const unknown = chosen.filter((name) => !suites.some((suite) => suite.name === name));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}: choose from ${suites.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const selected: Suite[] = chosen.length > 0 ? suites.filter((suite) => chosen.includes(suite.name)) : suites;

// The bot is measured as it is deployed: compiled, `node dist/main.js`.
const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const resultsDir = resolve('bench-results');
await mkdir(resultsDir, { recursive: true });
const context: BenchContext = {
  quick,
  resultsDir,
  log: (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`),
};

const started = performance.now();
const rows: Row[] = [];
const crashed: string[] = [];
for (const suite of selected) {
  context.log(`suite ${suite.name}`);
  try {
    rows.push(...(await suite.run(context)));
  } catch (error) {
    // One broken suite must not hide the others' figures; it still fails the run.
    crashed.push(suite.name);
    console.error(`suite ${suite.name} failed:`, error);
  }
}
const minutes = (performance.now() - started) / 60_000;

const verdicts = rows.map(judge);
console.log(table(verdicts));
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `\n${verdicts.filter((v) => v.pass === true).length} passed, ${verdicts.filter((v) => v.pass === false).length} failed, in ${minutes.toFixed(1)} min${quick ? ' (--quick)' : ''} on ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
const file = join(resultsDir, `bench-${new Date().toISOString().replaceAll(':', '-')}.json`);
await writeFile(
  file,
  `${JSON.stringify({ quick, minutes, node: process.version, cpu, crashed, verdicts }, null, 2)}\n`,
);
console.log(`raw samples: ${file}`);
for (const name of crashed) console.log(`FAIL suite ${name} did not finish`);
process.exitCode = crashed.length > 0 || verdicts.some((v) => v.pass === false) ? 1 : 0;
