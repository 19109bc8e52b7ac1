import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { startLocalRedis } from '../../src/infra/local-redis-server.js';
import { writeLedgerFixture } from './ledger-fixture.js';

/**
 * `npm run bench -- verify [--quick]`: `npm run verify` on ledgers of 10k, 100k and 1M entries (1M is
 * left out with --quick), each with a checkpoint every 1,000 entries and the mirror. The baseline, in
 * the same run, is a process that only reads the same entries out of Redis. Prints a row per size and
 * writes the samples to bench-results/verify-scale.json (not committed); exits 1 when a target is missed.
 */
const quick = process.argv.includes('--quick');
const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const TARGET_1M_S = 5;
// Preloaded into each measured process; a file URL, as --import takes one from any directory.
const PEAK_RSS = pathToFileURL(resolve('scripts/bench/peak-rss.mjs')).href;

/** The old-space cap a second verify run gets: finishing under it shows the live memory is bounded. */
const HEAP_CAP_MB = 64;

interface Sample {
  entries: number;
  verifySeconds: number;
  verifyPeakRssMb: number;
  /** Peak RSS of a run with V8's old space capped at HEAP_CAP_MB, which must still pass. */
  cappedPeakRssMb: number;
  cappedExitCode: number | null;
  readOnlySeconds: number;
  readOnlyPeakRssMb: number;
  exitCode: number | null;
}

async function timed(
  args: string[],
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<{ seconds: number; rssMb: number; code: number | null; output: string }> {
  const started = performance.now();
  const child = spawn('node', [...nodeFlags, '--import', PEAK_RSS, '--import', 'tsx', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  const rssKb = Number(/peak-rss-kb (\d+)/.exec(output)?.[1] ?? 0);
  return { seconds, rssMb: rssKb / 1024, code, output };
}

const redisServer = await startLocalRedis();
const redis = new Redis(redisServer.url);
const samples: Sample[] = [];
try {
  for (const entries of sizes) {
    const prefix = `bench${entries}:`;
    const workspace = await writeLedgerFixture(redis, prefix, entries, 1_000);
    const env = {
      REDIS_URL: redisServer.url,
      MEC_REDIS_PREFIX: prefix,
      MEC_WORKSPACE: workspace,
      MEC_CONFIG: 'examples/m6/mec.config.yml',
    };
    // ABBA: the baseline and verify alternate, so drift on a shared machine falls on both.
    const readA = await timed(['scripts/bench/read-ledger.ts'], env);
    const verifyA = await timed(['src/cli/verify.ts'], env);
    const verifyB = await timed(['src/cli/verify.ts'], env);
    const readB = await timed(['scripts/bench/read-ledger.ts'], env);
    const capped = await timed(['src/cli/verify.ts'], env, [`--max-old-space-size=${HEAP_CAP_MB}`]);
    if (verifyA.code !== 0) console.error(verifyA.output);
    samples.push({
      entries,
      verifySeconds: Math.min(verifyA.seconds, verifyB.seconds),
      verifyPeakRssMb: Math.max(verifyA.rssMb, verifyB.rssMb),
      cappedPeakRssMb: capped.rssMb,
      cappedExitCode: capped.code,
      readOnlySeconds: Math.min(readA.seconds, readB.seconds),
      readOnlyPeakRssMb: Math.max(readA.rssMb, readB.rssMb),
      exitCode: verifyA.code,
    });
    await redis.flushdb();
  }
} finally {
  redis.disconnect();
  await redisServer.stop();
}

console.log(
  `| entries | verify s | read-only baseline s | ratio | verify peak RSS MB | with a ${HEAP_CAP_MB} MB heap cap | baseline RSS MB |`,
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const sample of samples)
  console.log(
    `| ${sample.entries} | ${sample.verifySeconds.toFixed(2)} | ${sample.readOnlySeconds.toFixed(2)} | ${(sample.verifySeconds / sample.readOnlySeconds).toFixed(2)}× | ${sample.verifyPeakRssMb.toFixed(0)} | ${sample.cappedExitCode === 0 ? `${sample.cappedPeakRssMb.toFixed(0)}` : 'failed'} | ${sample.readOnlyPeakRssMb.toFixed(0)} |`,
  );
const [small, , large] = samples;
const last = samples.at(-1) as Sample;
const failures: string[] = [];
if (samples.some((sample) => sample.exitCode !== 0)) failures.push('verify did not pass on an intact ledger');
if (large && large.verifySeconds > TARGET_1M_S)
  failures.push(`1M entries took ${large.verifySeconds.toFixed(2)} s, over ${TARGET_1M_S} s`);
if (samples.some((sample) => sample.cappedExitCode !== 0))
  failures.push(`verify did not finish within a ${HEAP_CAP_MB} MB heap`);
// V8 lets an uncapped heap grow with the garbage it has not collected yet; the capped runs measure
// what verify keeps, which must not grow with the ledger.
if (small && last.cappedPeakRssMb > small.cappedPeakRssMb * 1.25)
  failures.push(
    `capped peak RSS grew from ${small.cappedPeakRssMb.toFixed(0)} MB to ${last.cappedPeakRssMb.toFixed(0)} MB`,
  );
if (small && large && sizes.length > 1) {
  const [, middle] = samples as [Sample, Sample, Sample];
  const perEntry = (sample: Sample) =>
    (sample.verifySeconds - small.verifySeconds) / (sample.entries - small.entries);
  const linearity = perEntry(large) / perEntry(middle);
  if (linearity > 1.3)
    failures.push(`verify is not linear: past 100k each entry costs ${linearity.toFixed(2)}× more`);
}
await mkdir('bench-results', { recursive: true });
await writeFile('bench-results/verify-scale.json', `${JSON.stringify({ samples, failures }, null, 2)}\n`);
for (const failure of failures) console.log(`FAIL ${failure}`);
process.exitCode = failures.length > 0 ? 1 : 0;
