import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { LedgerEntry } from '../../../src/domain/ledger-entry.js';
import { childPort } from '../../../test/support/child-port.js';
import { type AlertBot, BENCH_ALERT_TOKEN, startAlertBot } from '../support/alert-bot.js';
import { startProcess } from '../support/bot-process.js';
import type { Row } from '../support/report.js';
import { type BenchContext, REPEATS, type Suite } from '../support/suite.js';

/**
 * An alert storm during a ramp: 5,000 webhooks in 10 s (open loop, 500/s), copies of 250 distinct
 * alerts over the BLOCKER, CRITICAL and WARNING alarms, so 95% are re-sends. Each bot storm runs on a
 * fresh bot at 5% with its soak running. The bot runs as it is deployed (the README's `MEC_ROLE=web`
 * and `MEC_ROLE=worker`; the compose file runs web and worker processes apart): a web process that
 * serves the webhook and a worker process with the job workers. The same bot as one process (both
 * roles) is measured beside it as info rows. The baseline is a bare Node HTTP handler under the same
 * load generator. Each repeat runs bare, split, single, single, split, bare. The event-loop delay is
 * prom-client's nodejs_eventloop_lag_max_seconds, scraped from /metrics on a process's admin port every
 * 500 ms (prom-client resets its histogram on each scrape, so each sample is the worst of those
 * 500 ms), less the 10 ms period of the timer that measures it, which an idle loop reads as its delay.
 */
const POSTS = 5_000;
const SECONDS = 10;
const DISTINCT = 250;
const ALARM_COUNT = 3;
/** prom-client's default eventLoopMonitoringPrecision, in milliseconds. */
const LAG_RESOLUTION_MS = 10;

interface Load {
  latenciesMs: number[];
  statuses: Record<string, number>;
}

function runLoad(url: string, epoch: number, posts: number, seconds: number): Promise<Load> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve('scripts/bench/storm-load.ts'),
      url,
      BENCH_ALERT_TOKEN,
      String(posts),
      String(seconds),
      String(DISTINCT),
      String(epoch),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done, fail) =>
    child.on('exit', (code) =>
      code === 0 ? done(JSON.parse(output) as Load) : fail(new Error(`the load generator exited ${code}`)),
    ),
  );
}

/**
 * How many ledger entries record each alert, by its instance: a BLOCKER's or CRITICAL's in the incident
 * entry that opened its incident or folded it in, a WARNING's (which has no incident) in its alarm entry.
 */
function recordsPerAlert(entries: readonly LedgerEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (instance: string) => counts.set(instance, (counts.get(instance) ?? 0) + 1);
  for (const { body } of entries) {
    const detail = (body.detail ?? {}) as { instances?: string[]; request?: { summary?: string } };
    if (body.action === 'open_incident' || body.action === 'alert_folded')
      for (const instance of detail.instances ?? []) add(instance);
    const warning = /^storm alert (\d+) \(Alertmanager\)$/.exec(detail.request?.summary ?? '');
    if (body.action === 'alarm' && warning && Number(warning[1]) % ALARM_COUNT === 2)
      add(`web-${warning[1]}`);
  }
  return counts;
}

interface BotStorm {
  latenciesMs: number[];
  fiveXx: number;
  rollbacks: number;
  twice: number;
  missing: number;
  /** The process that serves the webhook. */
  lagMs: number[];
  /** The worker process, when split. */
  workerLagMs: number[];
  /** CPU (user + system) from the storm's first post until the rollback finished, in ms. */
  cpuMs: number;
  /** The worker process's, when split; 0 when not. */
  workerCpuMs: number;
}

/** Scrapes a process's event-loop delay every 500 ms until stopped; the first scrape resets it. */
async function scrapeLag(adminUrl: string) {
  const lagMs: number[] = [];
  let scraping = true;
  const sample = async () => {
    const text = await fetch(`${adminUrl}/metrics`).then((r) => r.text());
    const lag = /^\S*eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1];
    // The histogram times the monitor's 10 ms timer, so an idle loop reads about 10 ms: the delay is
    // what lies past it.
    return lag ? Number(lag) * 1000 - LAG_RESOLUTION_MS : undefined;
  };
  // One scrape first, so the first sample covers the storm and not the ramp before it.
  await sample();
  const scraper = (async () => {
    while (scraping) {
      await new Promise((r) => setTimeout(r, 500));
      const lag = await sample();
      if (lag !== undefined) lagMs.push(lag);
    }
  })();
  return {
    stop: async () => {
      scraping = false;
      await scraper;
      return lagMs;
    },
  };
}

async function botStorm(
  context: BenchContext,
  split: boolean,
  epoch: number,
  posts: number,
  seconds: number,
  script?: string,
): Promise<BotStorm> {
  const bot: AlertBot = await startAlertBot({ split, ...(script ? { script } : {}) });
  try {
    await bot.toRamp();
    const fromSeq = (await bot.ledger()).length + 1;
    const webLag = await scrapeLag(bot.adminUrl);
    const workerLag = bot.workerAdminUrl ? await scrapeLag(bot.workerAdminUrl) : undefined;
    const cpuBefore = [await bot.bot.cpuMs(), (await bot.worker?.cpuMs()) ?? 0];
    const load = await runLoad(bot.webhookUrl, epoch, posts, seconds);
    await bot.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    // Answered once queued: the alerts are counted once the worker has acted on every batch.
    await bot.alertsActed();
    const cpuAfter = [await bot.bot.cpuMs(), (await bot.worker?.cpuMs()) ?? 0];
    const lagMs = await webLag.stop();
    const workerLagMs = (await workerLag?.stop()) ?? [];
    const entries = await bot.ledger(fromSeq);
    const counts = recordsPerAlert(entries);
    const expected = Math.min(DISTINCT, posts);
    const values = Array.from({ length: expected }, (_, n) => counts.get(`web-${n}`) ?? 0);
    const storm: BotStorm = {
      latenciesMs: load.latenciesMs,
      fiveXx: Object.entries(load.statuses)
        .filter(([status]) => !/^[1-4]\d\d$/.test(status))
        .reduce((sum, [, count]) => sum + count, 0),
      rollbacks: entries.filter((entry) => entry.body.reason === 'rollback_accepted').length,
      twice: values.filter((count) => count > 1).length,
      missing: values.filter((count) => count === 0).length,
      lagMs,
      workerLagMs,
      cpuMs: (cpuAfter[0] as number) - (cpuBefore[0] as number),
      workerCpuMs: (cpuAfter[1] as number) - (cpuBefore[1] as number),
    };
    const lagOf = (samples: number[]) => (samples.length ? Math.max(...samples).toFixed(1) : '-');
    context.log(
      `storm: bot${script ? ` ${script}` : ''} (${split ? 'web + worker' : 'one process'}) ${JSON.stringify(load.statuses)}, ${storm.rollbacks} rollback(s), ${storm.twice} twice, ${storm.missing} missing, lag max ${lagOf(lagMs)} ms${split ? ` (worker ${lagOf(workerLagMs)} ms)` : ''}, CPU ${storm.cpuMs} ms${split ? ` (worker ${storm.workerCpuMs} ms)` : ''}`,
    );
    return storm;
  } finally {
    await bot.stop();
  }
}

/** A bare handler's storm: its latencies, and its process's CPU from the first post to the last answer. */
async function bareStorm(
  epoch: number,
  posts: number,
  seconds: number,
): Promise<{ latenciesMs: number[]; cpuMs: number }> {
  const bare = await startProcess({
    script: resolve('scripts/bench/bare-http.ts'),
    nodeArgs: ['--import', 'tsx'],
    env: { PORT: String(await childPort()) },
  });
  try {
    const before = await bare.cpuMs();
    const { latenciesMs } = await runLoad(`${bare.url}/alerts/alertmanager`, epoch, posts, seconds);
    return { latenciesMs, cpuMs: (await bare.cpuMs()) - before };
  } finally {
    await bare.stop();
  }
}

/** One repeat's storms: bare, split, single, single, split, bare (each side interleaved A B B A). */
interface Repeat {
  bare: number[];
  bareCpuMs: number[];
  split: BotStorm[];
  single: BotStorm[];
  /** With MEC_BENCH_STORM_BEFORE: another build, split, between the singles. */
  before: BotStorm[];
}

/**
 * MEC_BENCH_STORM_BEFORE names another build's main.js (say, the code before a change, built into a
 * folder of its own): its storms run in the same repeats, as info rows, so a change is judged against
 * figures of the same run.
 */
const BEFORE_SCRIPT = process.env.MEC_BENCH_STORM_BEFORE || undefined;

export const stormSuite: Suite = {
  name: 'storm',
  async run(context) {
    // --quick: one round of 5 s storms (2,500 posts, the same rate).
    const seconds = context.quick ? SECONDS / 2 : SECONDS;
    const posts = context.quick ? POSTS / 2 : POSTS;
    const repeats = context.quick ? 1 : REPEATS;
    const rounds: Repeat[] = [];
    let epoch = 0;
    const bot = (split: boolean, script?: string) =>
      botStorm(context, split, ++epoch, posts, seconds, script);
    const bare = () => bareStorm(++epoch, posts, seconds);
    for (let repeat = 0; repeat < repeats; repeat++) {
      // The one-process bot's rows are information only: measured in the first repeat, which keeps
      // the whole run under 15 minutes.
      const single = repeat === 0;
      const a1 = await bare();
      const b1 = await bot(true);
      const c1 = single ? [await bot(false)] : [];
      const before = BEFORE_SCRIPT ? [await bot(true, BEFORE_SCRIPT), await bot(true, BEFORE_SCRIPT)] : [];
      const c2 = single ? [await bot(false)] : [];
      const b2 = await bot(true);
      const a2 = await bare();
      rounds.push({
        bare: [...a1.latenciesMs, ...a2.latenciesMs],
        bareCpuMs: [a1.cpuMs, a2.cpuMs],
        split: [b1, b2],
        single: [...c1, ...c2],
        before,
      });
    }
    const baseline = { name: 'bare Node HTTP handler', repeats: rounds.map((round) => round.bare) };
    // Only the rounds that ran the side (the one-process bot runs in the first).
    const ran = (side: 'split' | 'single' | 'before') => rounds.filter((round) => round[side].length > 0);
    const of = (side: 'split' | 'single' | 'before', pick: (storm: BotStorm) => number[]) =>
      ran(side).map((round) => round[side].flatMap(pick));
    const singleBaseline = { ...baseline, repeats: ran('single').map((round) => round.bare) };
    const storms = rounds.flatMap((round) => [...round.split, ...round.single, ...round.before]);
    const note = `${posts} posts in ${seconds} s per storm, ${DISTINCT} distinct alerts; web and worker processes apart, as deployed${context.quick ? ' (--quick: half-length storms, one round)' : ''}`;
    const singleNote = `${posts} posts in ${seconds} s per storm; the whole bot in one process (MEC_ROLE unset), for comparison`;
    const rows: Row[] = [
      {
        suite: 'storm',
        figure: 'alert storm: webhook latency',
        unit: 'ms',
        repeats: of('split', (storm) => storm.latenciesMs),
        baseline,
        statistic: 'p99',
        target: { kind: 'ratio', atMost: 10 },
        note,
      },
      {
        suite: 'storm',
        figure: 'alert storm: web process event-loop delay (max per 500 ms scrape)',
        unit: 'ms',
        repeats: of('split', (storm) => storm.lagMs),
        statistic: 'max',
        target: { kind: 'below', value: 20 },
        note,
      },
      {
        suite: 'storm',
        figure: 'alert storm, info: worker process event-loop delay (max per 500 ms scrape)',
        unit: 'ms',
        repeats: of('split', (storm) => storm.workerLagMs),
        statistic: 'max',
        target: { kind: 'none' },
        note,
      },
      {
        suite: 'storm',
        figure: 'alert storm, info: web process CPU per storm (first post to rollback finished)',
        unit: 'ms',
        repeats: of('split', (storm) => [storm.cpuMs]),
        statistic: 'median',
        target: { kind: 'none' },
        note,
      },
      {
        suite: 'storm',
        figure: 'alert storm, info: bare handler process CPU per storm (first post to last answer)',
        unit: 'ms',
        repeats: rounds.map((round) => round.bareCpuMs),
        statistic: 'median',
        target: { kind: 'none' },
        note,
      },
      {
        suite: 'storm',
        figure: 'alert storm, info: worker process CPU per storm',
        unit: 'ms',
        repeats: of('split', (storm) => [storm.workerCpuMs]),
        statistic: 'median',
        target: { kind: 'none' },
        note,
      },
      {
        suite: 'storm',
        figure: 'alert storm, info: webhook latency, bot in one process',
        unit: 'ms',
        repeats: of('single', (storm) => storm.latenciesMs),
        baseline: singleBaseline,
        statistic: 'p99',
        target: { kind: 'none' },
        note: singleNote,
      },
      {
        suite: 'storm',
        figure: 'alert storm, info: event-loop delay, bot in one process (max per 500 ms scrape)',
        unit: 'ms',
        repeats: of('single', (storm) => storm.lagMs),
        statistic: 'max',
        target: { kind: 'none' },
        note: singleNote,
      },
      {
        suite: 'storm',
        figure: 'alert storm, info: CPU per storm, bot in one process',
        unit: 'ms',
        repeats: of('single', (storm) => [storm.cpuMs]),
        statistic: 'median',
        target: { kind: 'none' },
        note: singleNote,
      },
      ...(BEFORE_SCRIPT ? beforeRows(of, baseline, `${note}; the build at ${BEFORE_SCRIPT}`) : []),
      {
        suite: 'storm',
        figure: 'alert storm: rollbacks per storm (both topologies)',
        unit: 'count',
        repeats: storms.map((storm) => [storm.rollbacks]),
        statistic: 'max',
        target: { kind: 'equals', value: 1 },
      },
      {
        suite: 'storm',
        figure: 'alert storm: 5xx and failed requests per storm (both topologies)',
        unit: 'count',
        repeats: storms.map((storm) => [storm.fiveXx]),
        statistic: 'max',
        target: { kind: 'equals', value: 0 },
      },
      {
        suite: 'storm',
        figure: 'alert storm: distinct alerts ledgered twice or more per storm (both topologies)',
        unit: 'count',
        repeats: storms.map((storm) => [storm.twice]),
        statistic: 'max',
        target: { kind: 'equals', value: 0 },
      },
      {
        suite: 'storm',
        figure: 'alert storm: distinct alerts not ledgered per storm (both topologies)',
        unit: 'count',
        repeats: storms.map((storm) => [storm.missing]),
        statistic: 'max',
        target: { kind: 'equals', value: 0 },
      },
    ];
    return rows;
  },
};

/** The info rows of the other build (MEC_BENCH_STORM_BEFORE), split as the main rows are. */
function beforeRows(
  of: (side: 'before', pick: (storm: BotStorm) => number[]) => number[][],
  baseline: Row['baseline'],
  note: string,
): Row[] {
  const row = (figure: string, rest: Omit<Row, 'suite' | 'figure' | 'note' | 'target'>): Row => ({
    suite: 'storm',
    figure: `alert storm, info: ${figure}, build before`,
    target: { kind: 'none' },
    note,
    ...rest,
  });
  return [
    row('webhook latency', {
      unit: 'ms',
      repeats: of('before', (storm) => storm.latenciesMs),
      ...(baseline ? { baseline } : {}),
      statistic: 'p99',
    }),
    row('web process event-loop delay (max per 500 ms scrape)', {
      unit: 'ms',
      repeats: of('before', (storm) => storm.lagMs),
      statistic: 'max',
    }),
    row('web process CPU per storm', {
      unit: 'ms',
      repeats: of('before', (storm) => [storm.cpuMs]),
      statistic: 'median',
    }),
    row('worker process CPU per storm', {
      unit: 'ms',
      repeats: of('before', (storm) => [storm.workerCpuMs]),
      statistic: 'median',
    }),
  ];
}
