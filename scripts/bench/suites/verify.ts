import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { startLocalRedis } from '../../../src/infra/local-redis-server.js';
import { writeLedgerFixture } from '../ledger-fixture.js';
import type { Row } from '../support/report.js';
import type { BenchContext, Suite } from '../support/suite.js';

/**
 * `npm run verify` on ledgers of 10k, 100k and 1M entries (1M is left out with --quick), each with a
 * checkpoint every 1,000 entries and the mirror. The baseline, in the same run, is a process that only
 * reads the same entries out of Redis. The floor, in the same run too, is a process that reads them and
 * makes only the hashes every verifier must make per entry (the entry hash, the tree's leaf and node
 * hashes) and nothing else: what any verify of this ledger costs here.
 */
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
  floorSeconds: number;
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

async function measure(context: BenchContext, sizes: readonly number[]): Promise<Sample[]> {
  const redisServer = await startLocalRedis();
  const redis = new Redis(redisServer.url);
  const samples: Sample[] = [];
  try {
    for (const entries of sizes) {
      context.log(`verify: writing a ${entries}-entry ledger`);
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
      const floorA = await timed(['scripts/bench/verify-floor.ts'], env);
      const verifyA = await timed(['src/cli/verify.ts'], env);
      const verifyB = await timed(['src/cli/verify.ts'], env);
      const floorB = await timed(['scripts/bench/verify-floor.ts'], env);
      const readB = await timed(['scripts/bench/read-ledger.ts'], env);
      const capped = await timed(['src/cli/verify.ts'], env, [`--max-old-space-size=${HEAP_CAP_MB}`]);
      if (verifyA.code !== 0) context.log(verifyA.output);
      samples.push({
        entries,
        verifySeconds: Math.min(verifyA.seconds, verifyB.seconds),
        verifyPeakRssMb: Math.max(verifyA.rssMb, verifyB.rssMb),
        cappedPeakRssMb: capped.rssMb,
        cappedExitCode: capped.code,
        readOnlySeconds: Math.min(readA.seconds, readB.seconds),
        readOnlyPeakRssMb: Math.max(readA.rssMb, readB.rssMb),
        floorSeconds: Math.min(floorA.seconds, floorB.seconds),
        exitCode: verifyA.code === 0 && verifyB.code === 0 ? 0 : (verifyA.code ?? verifyB.code),
      });
      await redis.flushdb();
    }
  } finally {
    redis.disconnect();
    await redisServer.stop();
  }
  return samples;
}

export const verifySuite: Suite = {
  name: 'verify',
  async run(context) {
    const sizes = context.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
    const samples = await measure(context, sizes);
    const rows: Row[] = samples.map((sample) => ({
      suite: 'verify',
      figure: `npm run verify, ${sample.entries / 1000}k entries`,
      unit: 's',
      repeats: [[sample.verifySeconds]],
      baseline: { name: 'read the entries only', repeats: [[sample.readOnlySeconds]] },
      statistic: 'min',
      target: sample.entries === 1_000_000 ? { kind: 'below', value: TARGET_1M_S } : { kind: 'none' },
    }));
    // Information: the floor is what the target can be held against; a floor at or above it means no
    // verify on this machine can meet it.
    rows.push(
      ...samples.map(
        (sample): Row => ({
          suite: 'verify',
          figure: `floor: read + the per-entry hashes only, ${sample.entries / 1000}k entries`,
          unit: 's',
          repeats: [[sample.floorSeconds]],
          baseline: { name: 'read the entries only', repeats: [[sample.readOnlySeconds]] },
          statistic: 'min',
          target: { kind: 'none' },
        }),
      ),
    );
    rows.push({
      suite: 'verify',
      figure: 'npm run verify passes on every intact ledger (exit code)',
      unit: 'count',
      repeats: [samples.map((sample) => sample.exitCode ?? -1)],
      statistic: 'max',
      target: { kind: 'equals', value: 0 },
    });
    rows.push({
      suite: 'verify',
      figure: `npm run verify within a ${HEAP_CAP_MB} MB heap (exit code)`,
      unit: 'count',
      repeats: [samples.map((sample) => sample.cappedExitCode ?? -1)],
      statistic: 'max',
      target: { kind: 'equals', value: 0 },
    });
    const first = samples[0] as Sample;
    const last = samples.at(-1) as Sample;
    // V8 lets an uncapped heap grow with garbage not yet collected; the capped runs measure what
    // verify keeps, which must not grow with the ledger.
    rows.push({
      suite: 'verify',
      figure: `verify peak RSS under the heap cap, ${last.entries / 1000}k vs ${first.entries / 1000}k entries`,
      unit: '×',
      repeats: [[last.cappedPeakRssMb / first.cappedPeakRssMb]],
      statistic: 'max',
      target: { kind: 'atMost', value: 1.25 },
    });
    if (samples.length === 3) {
      const [, middle] = samples as [Sample, Sample, Sample];
      const perEntry = (sample: Sample) =>
        (sample.verifySeconds - first.verifySeconds) / (sample.entries - first.entries);
      rows.push({
        suite: 'verify',
        figure: 'verify cost per entry past 100k, vs up to 100k (linearity)',
        unit: '×',
        repeats: [[perEntry(last) / perEntry(middle)]],
        statistic: 'max',
        target: { kind: 'atMost', value: 1.3 },
      });
    }
    return rows;
  },
};
