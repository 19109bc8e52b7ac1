import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { botRun, setUp } from '../suites/edge.js';

/**
 * `tsx scripts/bench/edge/profile-edge.ts [dir]`: the edge suite's bot processes under --cpu-prof,
 * idle for a few seconds and then under closed-loop load of status and refused ramps; prints each
 * process's functions by self time. `npm run build` first.
 */
const dir = resolve(process.argv[2] ?? 'bench-results/edge-profile');
await mkdir(dir, { recursive: true });
const log = (message: string) => process.stderr.write(`${message}\n`);
const bench = await setUp({ quick: true, resultsDir: dir, log }, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
const idleFrom = [await bench.web.cpuMs(), await bench.worker.cpuMs()];
await new Promise((r) => setTimeout(r, 3_000));
log(
  `idle CPU over 3 s: web ${((await bench.web.cpuMs()) - (idleFrom[0] as number)).toFixed(0)} ms, worker ${((await bench.worker.cpuMs()) - (idleFrom[1] as number)).toFixed(0)} ms`,
);
const shape = { name: 'closed 50', mode: 'closed' as const, inFlight: 50, requests: 0 };
for (const kind of ['status', 'refused'] as const)
  for (let i = 0; i < 3; i++) await botRun(bench, kind, shape, 1_000, log);
const known = new Set(await readdir(dir));
await bench.close();
for (const file of (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile') && !known.has(name))) {
  console.log(`\n## ${file}\n${await summary(join(dir, file))}`);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Self time by function (name and file), the top 25, as a share of all samples. */
async function summary(path: string): Promise<string> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as { nodes: ProfileNode[] };
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  }
  return [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([key, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`)
    .join('\n');
}
