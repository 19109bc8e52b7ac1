import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { startLocalRedis } from '../../../src/infra/local-redis-server.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { SIGNING_SECRET } from '../../../test/support/slack-requests.js';
import { copyExampleWorkspace } from '../../../test/support/workspace.js';
import { BOT_ENV, startProcess } from '../support/bot-process.js';
import type { Row } from '../support/report.js';
import { type BenchContext, REPEATS, type Suite } from '../support/suite.js';

/**
 * Idle RSS and spawn → /readyz of `node dist/main.js` (web and workers in one process, Slack
 * credentials against the stand-in, the bench's own Redis), interleaved ABBA with a bare Bolt app that
 * only acks (spawn → listening). Idle is after ready plus SETTLE_MS.
 */
const IDLE_RSS_TARGET_MB = 110;
const READY_TARGET_MS = 800;
const SETTLE_MS = 5_000;
const BARE_BOLT = resolve('scripts/bench/bare-bolt-idle.mjs');

interface Start {
  readyMs: number;
  idleRssMb: number;
}

type Starter = (node?: string) => Promise<Start>;

// V8's memory reducer first shrinks the heap grown by start-up about 15 s after it; past this it has.
const REDUCED_MS = 20_000;

async function settle(
  process: { rssMb(): Promise<number>; stop(): Promise<void> },
  settleMs = SETTLE_MS,
): Promise<number> {
  await new Promise((r) => setTimeout(r, settleMs));
  const rss = await process.rssMb();
  await process.stop();
  return rss;
}

async function measure(context: BenchContext, node?: string): Promise<Row[]> {
  const redis = await startLocalRedis();
  const standIn = new SlackApiStandIn();
  await standIn.start();
  const slackEnv = {
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: standIn.apiUrl,
  };
  let run = 0;
  const bot = async (nodePath?: string, settleMs = SETTLE_MS): Promise<Start> => {
    run++;
    const started = await startProcess({
      env: {
        ...BOT_ENV,
        ...slackEnv,
        REDIS_URL: redis.url,
        MEC_REDIS_PREFIX: `footprint${run}:`,
        MEC_CONFIG: 'examples/m6/mec.config.yml',
        MEC_WORKSPACE: await copyExampleWorkspace(),
      },
      ...(nodePath ? { node: nodePath } : {}),
    });
    return { readyMs: started.readyMs, idleRssMb: await settle(started, settleMs) };
  };
  const bare: Starter = async (nodePath) => {
    const started = await startProcess({
      env: slackEnv,
      script: BARE_BOLT,
      ...(nodePath ? { node: nodePath } : {}),
    });
    return { readyMs: started.readyMs, idleRssMb: await settle(started) };
  };
  const reduced: number[] = [];
  const starts = { bot: [] as Start[][], bare: [] as Start[][] };
  try {
    // Node 24's rows are information only: one repeat of them keeps the whole run under 15 minutes.
    const repeats = context.quick || node ? 1 : REPEATS;
    for (let repeat = 0; repeat < repeats; repeat++) {
      context.log(`footprint${node ? ' (node 24)' : ''}: repeat ${repeat + 1} of ${repeats}`);
      // A B B A by hand, as abba() does: each start yields two figures, not one list of samples.
      const a1 = await bare(node);
      const b1 = await bot(node);
      const b2 = await bot(node);
      const a2 = await bare(node);
      starts.bot.push([b1, b2]);
      starts.bare.push([a1, a2]);
    }
    // Once, outside the ABBA: the idle figure after V8 has given back what start-up grew (not with --quick).
    if (!context.quick) reduced.push((await bot(node, REDUCED_MS)).idleRssMb);
  } finally {
    await standIn.stop();
    await redis.stop();
  }
  const on = node ? ', Node 24' : '';
  const pick = (runs: Start[][], key: keyof Start) => runs.map((repeat) => repeat.map((start) => start[key]));
  return [
    {
      suite: 'footprint',
      figure: `idle RSS of node dist/main.js, web + workers, ${SETTLE_MS / 1000} s after ready${on}`,
      unit: 'MB',
      repeats: pick(starts.bot, 'idleRssMb'),
      baseline: { name: 'bare Bolt app', repeats: pick(starts.bare, 'idleRssMb') },
      statistic: 'median',
      target: node ? { kind: 'none' } : { kind: 'below', value: IDLE_RSS_TARGET_MB },
    },
    ...(reduced.length > 0
      ? [
          {
            suite: 'footprint',
            figure: `RSS of node dist/main.js ${REDUCED_MS / 1000} s after ready, once V8's memory reducer ran${on}`,
            unit: 'MB',
            repeats: [reduced],
            statistic: 'median' as const,
            target: { kind: 'none' as const },
          },
        ]
      : []),
    {
      suite: 'footprint',
      figure: `spawn → /readyz 200 (bare Bolt: spawn → listening)${on}`,
      unit: 'ms',
      repeats: pick(starts.bot, 'readyMs'),
      baseline: { name: 'bare Bolt app', repeats: pick(starts.bare, 'readyMs') },
      statistic: 'median',
      target: node ? { kind: 'none' } : { kind: 'below', value: READY_TARGET_MS },
    },
  ];
}

/** The Node 24 binary of scripts/node24.sh, which installs it from the npm registry if it is missing. */
const node24 = () => execFileSync('bash', ['scripts/node24.sh'], { encoding: 'utf8' }).trim();

export const footprintSuite: Suite = {
  name: 'footprint',
  async run(context) {
    const rows = await measure(context);
    // Information only, and a third of the suite's time: not in --quick, which aims at 3 minutes in all.
    if (!context.quick) rows.push(...(await measure(context, node24())));
    return rows;
  },
};
