import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { redisAdapters } from '../../../src/adapters/redis/redis-adapters.js';
import { startLocalRedis } from '../../../src/infra/local-redis-server.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { compressedConfigFile } from '../../../test/support/processes.js';
import { commandFields, SIGNING_SECRET } from '../../../test/support/slack-requests.js';
import { copyExampleWorkspace } from '../../../test/support/workspace.js';
import type { LoadJob, LoadResult } from '../edge/load-protocol.js';
import { PEOPLE, readyRollout, slackDriver } from '../edge/ready-rollout.js';
import { type BenchProcess, BOT_ENV, startProcess } from '../support/bot-process.js';
import type { Row } from '../support/report.js';
import { abba, type BenchContext, REPEATS, type Suite, startAll } from '../support/suite.js';

/**
 * The edge: `/mec status` and a refused `/mec ramp 60`, sent signed to the bot as deployed (a web and a
 * worker process, `node dist/main.js`), against a bare Bolt app that only acks, interleaved ABBA. Ack
 * latency is measured by a load generator of its own process; CPU per request is both bot processes'
 * user+system CPU over a run (until every answer reached its response_url), divided by its requests.
 */
const ACK_RATIO = 1.3;
const CPU_RATIO = 2;

type Kind = 'status' | 'refused';
export interface Load {
  name: string;
  mode: 'closed' | 'open';
  inFlight?: number;
  ratePerSec?: number;
  /** Requests per run; halved by --quick. */
  requests: number;
}
const LOADS: Load[] = [
  { name: 'closed loop, 50 in flight', mode: 'closed', inFlight: 50, requests: 800 },
  { name: 'closed loop, 200 in flight', mode: 'closed', inFlight: 200, requests: 1200 },
  { name: 'open loop, 100 req/s', mode: 'open', ratePerSec: 100, requests: 300 },
  { name: 'open loop, 200 req/s', mode: 'open', ratePerSec: 200, requests: 500 },
];
const TEXT: Record<Kind, string> = { status: 'status', refused: 'ramp 60' };
const LABEL: Record<Kind, string> = { status: '`/mec status`', refused: 'refused `/mec ramp 60`' };

export interface Bench {
  standIn: SlackApiStandIn;
  web: BenchProcess;
  worker: BenchProcess;
  bare: BenchProcess;
  /** The floor (`edge/floor-bolt.ts`): only the work a refused command must do, on the bare app's Bolt. */
  floor: BenchProcess;
  /** How many entries the floor has written so far. */
  floorEntries(): Promise<number>;
  ledger: ReturnType<typeof redisAdapters>['ledger'];
  loader: ChildProcess;
  close(): Promise<void>;
}

let runs = 0;

function load(loader: ChildProcess, job: LoadJob): Promise<LoadResult> {
  return new Promise((done, fail) => {
    loader.once('message', (reply: LoadResult | { error: string }) =>
      'error' in reply ? fail(new Error(reply.error)) : done(reply),
    );
    loader.send(job);
  });
}

export async function setUp(context: BenchContext, botNodeArgs: string[] = []): Promise<Bench> {
  const redisServer = await startLocalRedis();
  const standIn = new SlackApiStandIn();
  await standIn.start();
  // Smoke in milliseconds and no pacing of Slack posts, so the set-up is quick; the outbox poll and
  // job locks back at the example config's production intervals, since the e2e tests' 200 ms poll
  // would bill an idle bot's timers to every request.
  const config = await compressedConfigFile((doc) => {
    doc.setIn(['jobs', 'lockDuration'], '30s');
    doc.setIn(['jobs', 'outboxInterval'], '5s');
  });
  const workspace = await copyExampleWorkspace();
  const env = {
    ...BOT_ENV,
    MEC_CONFIG: config,
    MEC_WORKSPACE: workspace,
    REDIS_URL: redisServer.url,
    MEC_REDIS_PREFIX: 'edge:',
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: standIn.apiUrl,
  };
  const floorKey = 'edge-floor:ledger';
  const [web, worker, bare, floor] = await startAll([
    () => startProcess({ env: { ...env, MEC_ROLE: 'web' }, nodeArgs: botNodeArgs }),
    () => startProcess({ env: { ...env, MEC_ROLE: 'worker' }, nodeArgs: botNodeArgs }),
    () =>
      startProcess({
        env: { SLACK_SIGNING_SECRET: SIGNING_SECRET },
        script: resolve('scripts/bench/bare-bolt.ts'),
        nodeArgs: ['--import', 'tsx'],
      }),
    () =>
      startProcess({
        env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, REDIS_URL: redisServer.url, FLOOR_KEY: floorKey },
        script: resolve('scripts/bench/edge/floor-bolt.ts'),
        nodeArgs: ['--import', 'tsx'],
      }),
  ]);
  const redis = new Redis(redisServer.url);
  const { store, ledger } = redisAdapters(redis, 'edge:');
  context.log('edge: driving the rollout to where `ramp 60` is refused');
  const driver = slackDriver(`${web.url}/slack/events`, standIn);
  await readyRollout(
    driver,
    standIn,
    async () => (await store.load('M6')).state?.checks.smoke.status === 'passed',
  );
  const deadline = Date.now() + 20_000;
  while (Object.keys((await store.load('M6')).state?.approvals ?? {}).length < 4) {
    if (Date.now() > deadline) throw new Error('the four approvals were never recorded');
    await new Promise((r) => setTimeout(r, 50));
  }
  // The release manager's ramp to 60 is refused by the step gate (5 is next); the load's refusals come
  // from people without the ramp role, each a different one, so no refusal collapses into another's
  // ledger entry (identical refusals of one person within a minute are written once).
  const probe = String((await driver.command(PEOPLE.releaseManager, 'ramp 60')).args.text);
  context.log(
    `edge: the release manager's ramp 60 is answered: ${probe.slice(0, 120).replaceAll('\n', ' ')}`,
  );
  const loader = fork(resolve('scripts/bench/edge/load-generator.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    standIn,
    web,
    worker,
    bare,
    floor,
    floorEntries: () => redis.llen(floorKey),
    ledger,
    loader,
    async close() {
      loader.kill();
      await Promise.all([web.stop(), worker.stop(), bare.stop(), floor.stop()]);
      redis.disconnect();
      await standIn.stop();
      await redisServer.stop();
    },
  };
}

/** The unique signed command bodies of one run, each with its own response_url and trigger_id. */
function bodies(
  bench: Bench,
  kind: Kind,
  count: number,
): { ids: string[]; actors: string[]; bodies: string[] } {
  const run = ++runs;
  const ids: string[] = [];
  const actors: string[] = [];
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `edge-${run}-${i}`;
    const actor =
      kind === 'refused' ? `U0B${run.toString(36)}X${i.toString(36)}`.toUpperCase() : PEOPLE.releaseManager;
    ids.push(id);
    actors.push(actor);
    texts.push(
      new URLSearchParams(commandFields(TEXT[kind], actor, bench.standIn.responseUrl(id))).toString(),
    );
  }
  return { ids, actors, bodies: texts };
}

interface BotRun {
  latenciesMs: number[];
  cpuMsPerRequest: number;
  delivered: number;
  ledgered: number;
  requests: number;
  failed: number;
}

const failures = (result: LoadResult) =>
  Object.entries(result.statuses).reduce((sum, [status, n]) => sum + (status === '200' ? 0 : n), 0);

export async function botRun(
  bench: Bench,
  kind: Kind,
  loadShape: Load,
  count: number,
  log?: BenchContext['log'],
): Promise<BotRun> {
  const { ids, actors, bodies: texts } = bodies(bench, kind, count);
  const since = bench.standIn.calls.length;
  const headBefore = (await bench.ledger.head()).seq;
  const cpuBefore = (await bench.web.cpuMs()) + (await bench.worker.cpuMs());
  const result = await load(bench.loader, job(`${bench.web.url}/slack/events`, texts, loadShape));
  // The run lasts until every answer reached its response_url (or 30 s passed): the CPU of the work
  // after the ack is the request's too.
  const waitFrom = Date.now();
  const delivered = await deliveredOf(bench, since, ids);
  const cpuAfter = (await bench.web.cpuMs()) + (await bench.worker.cpuMs());
  log?.(
    `edge:   bot ${kind}: load ${result.wallMs.toFixed(0)} ms, answers ${delivered}/${count} after ${(Date.now() - waitFrom).toFixed(0)} ms more, ${((cpuAfter - cpuBefore) / count).toFixed(2)} ms CPU each`,
  );
  let ledgered = 0;
  if (kind === 'refused') {
    const headAfter = (await bench.ledger.head()).seq;
    const runActors = new Set(actors);
    const entries = headAfter > headBefore ? await bench.ledger.read(headBefore + 1, headAfter) : [];
    ledgered = entries.filter(
      (entry) =>
        runActors.has(entry.body.actor) && entry.body.action === 'ramp' && entry.body.outcome === 'refused',
    ).length;
  }
  return {
    latenciesMs: result.latenciesMs,
    cpuMsPerRequest: (cpuAfter - cpuBefore) / count,
    delivered,
    ledgered,
    requests: count,
    failed: failures(result),
  };
}

function job(url: string, texts: string[], shape: Load): LoadJob {
  return {
    url,
    signingSecret: SIGNING_SECRET,
    bodies: texts,
    mode: shape.mode,
    ...(shape.inFlight ? { inFlight: shape.inFlight } : {}),
    ...(shape.ratePerSec ? { ratePerSec: shape.ratePerSec } : {}),
  };
}

async function bareRun(bench: Bench, kind: Kind, shape: Load, count: number) {
  const { bodies: texts } = bodies(bench, kind, count);
  const before = await bench.bare.cpuMs();
  const result = await load(bench.loader, job(`${bench.bare.url}/slack/events`, texts, shape));
  return {
    latenciesMs: result.latenciesMs,
    cpuMsPerRequest: ((await bench.bare.cpuMs()) - before) / count,
    failed: failures(result),
  };
}

/** One repeat's CPU is the runs of every load shape that repeat made, in the order abba ran them. */
const perRepeat = (values: number[], repeats: number) =>
  Array.from({ length: repeats }, (_, r) =>
    LOADS.flatMap((_shape, s) => values.slice((s * repeats + r) * 2, (s * repeats + r) * 2 + 2)),
  );

/** Until every answer of `ids` reached its response_url with content, or 30 s passed: how many did. */
async function deliveredOf(bench: Bench, since: number, ids: string[]): Promise<number> {
  const wanted = new Set(ids);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const delivered = bench.standIn.calls
      .slice(since)
      .filter(
        (call) =>
          call.method === 'response_url' &&
          wanted.has(String(call.args.id)) &&
          (String(call.args.text ?? '').length > 0 || Array.isArray(call.args.blocks)),
      ).length;
    if (delivered >= ids.length || Date.now() > deadline) return delivered;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The floor under the refused ramps' load: its CPU counted as the bot's is, until every answer arrived. */
async function floorRun(bench: Bench, shape: Load, count: number, log?: BenchContext['log']) {
  const { ids, bodies: texts } = bodies(bench, 'refused', count);
  const since = bench.standIn.calls.length;
  const entriesBefore = await bench.floorEntries();
  const before = await bench.floor.cpuMs();
  const result = await load(bench.loader, job(`${bench.floor.url}/slack/events`, texts, shape));
  const delivered = await deliveredOf(bench, since, ids);
  const cpuMsPerRequest = ((await bench.floor.cpuMs()) - before) / count;
  const written = (await bench.floorEntries()) - entriesBefore;
  log?.(
    `edge:   floor: answers ${delivered}/${count}, entries ${written}/${count}, ${cpuMsPerRequest.toFixed(2)} ms CPU each`,
  );
  // Counted, not thrown: a floor that did less than its work must show, without losing the bot's rows.
  const missed = count - Math.min(delivered, written) + failures(result);
  return { latenciesMs: result.latenciesMs, cpuMsPerRequest, missed };
}

export const edgeSuite: Suite = {
  name: 'edge',
  async run(context) {
    const repeats = context.quick ? 1 : REPEATS;
    const scale = context.quick ? 0.4 : 1;
    const bench = await setUp(context);
    const rows: Row[] = [];
    try {
      // Warm both sides' code paths before anything is measured.
      for (const kind of ['status', 'refused'] as const) {
        await botRun(bench, kind, LOADS[0] as Load, 300);
        await bareRun(bench, kind, LOADS[0] as Load, 300);
      }
      await floorRun(bench, LOADS[0] as Load, 300);
      for (const kind of ['status', 'refused'] as const) {
        const cpu = { bot: [] as number[], bare: [] as number[] };
        const counts = {
          requests: [] as number[],
          delivered: [] as number[],
          ledgered: [] as number[],
          failed: [] as number[],
        };
        for (const shape of LOADS) {
          const count = Math.round(shape.requests * scale);
          context.log(`edge: ${kind}, ${shape.name}, ${count} requests per run`);
          const compared = await abba(
            repeats,
            async () => {
              const run = await botRun(bench, kind, shape, count, context.log);
              cpu.bot.push(run.cpuMsPerRequest);
              counts.requests.push(run.requests);
              counts.delivered.push(run.delivered);
              counts.ledgered.push(run.ledgered);
              counts.failed.push(run.failed);
              return run.latenciesMs;
            },
            async () => {
              const run = await bareRun(bench, kind, shape, count);
              cpu.bare.push(run.cpuMsPerRequest);
              counts.failed.push(run.failed);
              return run.latenciesMs;
            },
          );
          rows.push({
            suite: 'edge',
            figure: `${LABEL[kind]} ack, ${shape.name}`,
            unit: 'ms',
            repeats: compared.measured,
            baseline: { name: 'bare Bolt', repeats: compared.baseline },
            statistic: 'p99',
            target: { kind: 'ratio', atMost: ACK_RATIO },
          });
        }
        rows.push({
          suite: 'edge',
          figure: `${LABEL[kind]}: CPU per request, web + worker processes`,
          unit: 'ms',
          repeats: perRepeat(cpu.bot, repeats),
          baseline: { name: 'bare Bolt', repeats: perRepeat(cpu.bare, repeats) },
          statistic: 'median',
          target: { kind: 'ratio', atMost: CPU_RATIO },
        });
        rows.push({
          suite: 'edge',
          figure: `${LABEL[kind]}: requests whose answer never reached its response_url with content`,
          unit: 'count',
          repeats: [counts.requests.map((n, i) => Math.abs(n - (counts.delivered[i] as number)))],
          statistic: 'max',
          target: { kind: 'equals', value: 0 },
        });
        if (kind === 'refused')
          rows.push({
            suite: 'edge',
            figure: 'refused `/mec ramp 60`: refusals without exactly one ledger entry',
            unit: 'count',
            repeats: [counts.requests.map((n, i) => Math.abs(n - (counts.ledgered[i] as number)))],
            statistic: 'max',
            target: { kind: 'equals', value: 0 },
          });
        rows.push({
          suite: 'edge',
          figure: `${LABEL[kind]}: requests not answered 200 (bot and bare)`,
          unit: 'count',
          repeats: [counts.failed],
          statistic: 'max',
          target: { kind: 'equals', value: 0 },
        });
      }
      rows.push(...(await floorRows(bench, context, repeats, scale)));
    } finally {
      await bench.close();
    }
    return rows;
  },
};

const FLOOR = 'floor (Bolt ack + one Redis write + one response_url post)';

/**
 * What is achievable: the floor against the bare app under each load of the refused ramps, ABBA as the
 * bot's rows are, shown with no target of their own.
 */
async function floorRows(
  bench: Bench,
  context: BenchContext,
  repeats: number,
  scale: number,
): Promise<Row[]> {
  const rows: Row[] = [];
  const cpu = { floor: [] as number[], bare: [] as number[] };
  const missed: number[] = [];
  for (const shape of LOADS) {
    const count = Math.round(shape.requests * scale);
    context.log(`edge: floor, ${shape.name}, ${count} requests per run`);
    const compared = await abba(
      repeats,
      async () => {
        const run = await floorRun(bench, shape, count, context.log);
        cpu.floor.push(run.cpuMsPerRequest);
        missed.push(run.missed);
        return run.latenciesMs;
      },
      async () => {
        const run = await bareRun(bench, 'refused', shape, count);
        cpu.bare.push(run.cpuMsPerRequest);
        return run.latenciesMs;
      },
    );
    rows.push({
      suite: 'edge',
      figure: `${FLOOR} ack, ${shape.name}`,
      unit: 'ms',
      repeats: compared.measured,
      baseline: { name: 'bare Bolt', repeats: compared.baseline },
      statistic: 'p99',
      target: { kind: 'none' },
    });
  }
  rows.push({
    suite: 'edge',
    figure: `${FLOOR}: CPU per request`,
    unit: 'ms',
    repeats: perRepeat(cpu.floor, repeats),
    baseline: { name: 'bare Bolt', repeats: perRepeat(cpu.bare, repeats) },
    statistic: 'median',
    target: { kind: 'none' },
  });
  rows.push({
    suite: 'edge',
    figure: `${FLOOR}: requests without their answer, ledger entry or 200`,
    unit: 'count',
    repeats: [missed],
    statistic: 'max',
    target: { kind: 'none' },
  });
  return rows;
}
