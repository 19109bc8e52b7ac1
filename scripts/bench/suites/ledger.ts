import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { RedisLedger } from '../../../src/adapters/redis/redis-ledger.js';
import { ChainWalker } from '../../../src/domain/chain-walker.js';
import { startLocalRedis } from '../../../src/infra/local-redis-server.js';
import type { Row } from '../support/report.js';
import { abba, type BenchContext, REPEATS, type Suite } from '../support/suite.js';
import { botVerifyFigures } from './ledger-bot-verify.js';

/**
 * The ledger's append rate with two writer processes on one Redis of the bench's own, each appending
 * through RedisLedger as the bot does, then a walk of the whole chain. The baseline, interleaved ABBA,
 * is two processes RPUSHing the same body texts with the same number in flight. Then /mec verify
 * inside the bot (ledger-bot-verify.ts).
 */
const TARGET_ENTRIES_PER_S = 5_000;
/** Appends each writer has in flight: the bot's requests append concurrently. */
const INFLIGHT = 32;

interface WriterLine {
  startMs: number;
  endMs: number;
  count: number;
}

function startWriter(env: Record<string, string>): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn('node', ['--import', 'tsx', 'scripts/bench/ledger-writer.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return { child, lines };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const { value, done } = await lines.next();
  if (done) throw new Error('a ledger writer exited early');
  return value;
}

/** Both writers started, warm, released together; entries per second over the span of both. */
async function appendRate(
  redisUrl: string,
  prefix: string,
  mode: 'ledger' | 'rpush',
  count: number,
): Promise<number> {
  const writers = ['A', 'B'].map((writer) =>
    startWriter({
      REDIS_URL: redisUrl,
      MEC_REDIS_PREFIX: prefix,
      MODE: mode,
      WRITER: writer,
      COUNT: String(count),
      INFLIGHT: String(INFLIGHT),
    }),
  );
  for (const { lines } of writers)
    if ((await nextLine(lines)) !== 'ready') throw new Error('writer not ready');
  for (const { child } of writers) child.stdin?.write('go\n');
  const results = await Promise.all(
    writers.map(async ({ lines }) => JSON.parse(await nextLine(lines)) as WriterLine),
  );
  const span = Math.max(...results.map((r) => r.endMs)) - Math.min(...results.map((r) => r.startMs));
  return (results.reduce((sum, r) => sum + r.count, 0) * 1000) / span;
}

/** The chain walked from the genesis to the head: 0 when it holds, 1 when any link is broken. */
async function chainBroken(redis: Redis, prefix: string, expected: number): Promise<number> {
  const ledger = new RedisLedger(redis, prefix);
  const head = await ledger.head();
  const walker = new ChainWalker();
  for await (const text of ledger.stream(1, head.seq)) if (!walker.next(text).ok) return 1;
  const walked = walker.head;
  return walked.seq === expected && walked.hash === head.hash ? 0 : 1;
}

async function appendFigures(context: BenchContext): Promise<Row[]> {
  const server = await startLocalRedis();
  const redis = new Redis(server.url);
  const count = context.quick ? 4_000 : 15_000;
  const broken: number[] = [];
  let run = 0;
  try {
    const measured = async () => {
      const prefix = `append${++run}:`;
      const rate = await appendRate(server.url, prefix, 'ledger', count);
      // Each writer's warm-up entry is in the chain too.
      broken.push(await chainBroken(redis, prefix, 2 * count + 2));
      await redis.flushdb();
      return [rate];
    };
    const baseline = async () => {
      const rate = await appendRate(server.url, `raw${++run}:`, 'rpush', count);
      await redis.flushdb();
      return [rate];
    };
    context.log(`ledger: append, 2 writers × ${count} entries, ${INFLIGHT} in flight each`);
    const result = await abba(context.quick ? 1 : REPEATS, measured, baseline);
    return [
      {
        suite: 'ledger',
        figure: `ledger append, 2 writer processes × ${INFLIGHT} in flight`,
        unit: 'entries/s',
        repeats: result.measured,
        baseline: { name: 'plain RPUSH of the same bodies', repeats: result.baseline },
        statistic: 'median',
        target: { kind: 'atLeast', value: TARGET_ENTRIES_PER_S },
      },
      {
        suite: 'ledger',
        figure: 'chains broken after two writers (walked from the genesis)',
        unit: 'count',
        repeats: [broken],
        statistic: 'max',
        target: { kind: 'equals', value: 0 },
      },
    ];
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

export const ledgerSuite: Suite = {
  name: 'ledger',
  async run(context) {
    return [...(await appendFigures(context)), ...(await botVerifyFigures(context))];
  },
};
