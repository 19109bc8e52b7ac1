import { watch } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { alertPayload, postAlert } from '../../../test/support/alertmanager.js';
import { type AlertBot, BENCH_ALERT_TOKEN, servedMode, startAlertBot } from '../support/alert-bot.js';
import { fsyncFloorMs } from '../support/fsync-floor.js';
import type { Row } from '../support/report.js';
import { type BenchContext, REPEATS, type Suite, startAll } from '../support/suite.js';

/**
 * The rollback path: a BLOCKER alert POSTed while traffic is at 5%, timed from the request to (1) the
 * registry file serving shadow, (2) the `rollback_finished` ledger entry, (3) the incident notice at the
 * Slack stand-in. Each trial starts from a ramped rollout reached the way production allows after a
 * rollback: every role approves again, then `/mec ramp 5`. The trial's alert is resolved afterwards, so
 * the next one opens (and pages) its own incident. The fsync floor is sampled before every trial.
 */
const TRIALS = 210;
const QUICK_TRIALS = 24;
/** Bots per wave, and trials on each while its Slack rate-limit burst lasts. */
const WAVE = { pool: 7, perBot: 5 };
const QUICK_WAVE = { pool: 8, perBot: 3 };
const TRIAL_TIMEOUT_MS = 10_000;

interface Trial {
  shadowMs: number;
  finishedMs: number;
  noticeMs: number;
  floorMs: number;
}

/** Resolves with the time the registry file first reads meta_prod at shadow (inotify on its directory). */
function shadowSeen(workspace: string): { seen: Promise<number>; close(): void } {
  const dir = join(workspace, 'meta');
  let watcher: ReturnType<typeof watch> | undefined;
  const seen = new Promise<number>((resolve) => {
    let checking = false;
    let again = false;
    const check = async () => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      do {
        again = false;
        if ((await servedMode(workspace)) === 'shadow:0') return resolve(performance.now());
      } while (again);
      checking = false;
    };
    watcher = watch(dir, () => void check());
  });
  return { seen, close: () => watcher?.close() };
}

/** Resolves with the time a `rollback_finished` entry at or past `fromSeq` lands in the ledger. */
function finishedSeen(bot: AlertBot, subscriber: Redis, fromSeq: number): Promise<number> {
  return new Promise((resolve) => {
    let done = false;
    const look = async () => {
      const entries = await bot.ledger(fromSeq);
      if (!done && entries.some((entry) => entry.body.reason === 'rollback_finished')) {
        done = true;
        subscriber.off('message', look);
        resolve(performance.now());
      }
    };
    subscriber.on('message', look);
    void look();
  });
}

const within = <T>(promise: Promise<T>, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} not seen within ${TRIAL_TIMEOUT_MS} ms`)), TRIAL_TIMEOUT_MS),
    ),
  ]);

async function trial(bot: AlertBot, subscriber: Redis, floorDir: string, floorContent: string, n: number) {
  await bot.toRamp();
  const floorMs = await fsyncFloorMs(floorDir, floorContent);
  const fromSeq = (await bot.redis.llen(bot.ledgerKey)) + 1;
  const since = bot.standIn.calls.length;
  const startsAt = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  const payload = alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER', startsAt });
  const registry = shadowSeen(bot.workspace);
  const finished = finishedSeen(bot, subscriber, fromSeq);
  const notice = bot.standIn
    .waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.channel === 'C0INCIDENT1' &&
        call.args.thread_ts === undefined,
      TRIAL_TIMEOUT_MS,
      since,
    )
    .then(() => performance.now());
  const started = performance.now();
  const reply = await postAlert(bot.webhookUrl, payload, BENCH_ALERT_TOKEN);
  if (reply.status !== 200) throw new Error(`trial ${n}: the webhook answered ${reply.status}`);
  try {
    const [shadowAt, finishedAt, noticeAt] = await Promise.all([
      within(registry.seen, 'the registry at shadow'),
      within(finished, 'rollback_finished'),
      within(notice, 'the incident notice'),
    ]);
    await bot.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    const resolved = alertPayload({
      alarm: 'latency_slo_drop',
      severity: 'BLOCKER',
      startsAt,
      status: 'resolved',
    });
    await postAlert(bot.webhookUrl, resolved, BENCH_ALERT_TOKEN);
    return {
      shadowMs: shadowAt - started,
      finishedMs: finishedAt - started,
      noticeMs: noticeAt - started,
      floorMs,
    } satisfies Trial;
  } finally {
    registry.close();
  }
}

/**
 * Runs `count` trials in waves of `pool` bots started together, round-robin over each wave's bots,
 * `perBot` trials each. Each trial sends Slack about seven thread replies and a dozen redraws, and the
 * stand-in holds each bot to Slack's rate limits (about one post a second per channel, 50 updates a
 * minute after a burst of 100): one bot alone would spend most of a run waiting out 429s, so each bot
 * is used only while its burst lasts. Only one trial runs at a time; the wave's other bots sit at 5%.
 */
async function rollbackTrials(
  context: BenchContext,
  count: number,
  wave: { pool: number; perBot: number },
  nodeArgs?: string[],
) {
  const floorDir = await mkdtemp(join(tmpdir(), 'mec-fsync-floor-'));
  const trials: Trial[] = [];
  while (trials.length < count) {
    const bots: AlertBot[] = [];
    const subscribers: Redis[] = [];
    try {
      // Started a few at a time: many cold starts at once on two cores would take minutes.
      for (let first = 0; first < wave.pool; first += 4) {
        const started = await startAll(
          Array.from(
            { length: Math.min(4, wave.pool - first) },
            () => () => startAlertBot(nodeArgs ? { nodeArgs } : {}),
          ),
        );
        bots.push(...started);
      }
      for (const bot of bots) {
        const subscriber = new Redis(bot.redisUrl);
        await bot.redis.config('SET', 'notify-keyspace-events', 'Kl');
        await subscriber.subscribe(`__keyspace@0__:${bot.ledgerKey}`);
        subscribers.push(subscriber);
      }
      const floorContent = await readFile(join(bots[0]?.workspace ?? '', 'meta/meta_flags.json'), 'utf8');
      const inWave = Math.min(count - trials.length, wave.pool * wave.perBot);
      for (let i = 0; i < inWave; i++) {
        const n = trials.length;
        const bot = bots[i % wave.pool] as AlertBot;
        trials.push(await trial(bot, subscribers[i % wave.pool] as Redis, floorDir, floorContent, n));
        if ((n + 1) % 25 === 0) context.log(`rollback: ${n + 1} of ${count} trials`);
      }
    } finally {
      for (const subscriber of subscribers) subscriber.disconnect();
      await Promise.all(bots.map((bot) => bot.stop()));
    }
  }
  return trials;
}

export const rollbackSuite: Suite = {
  name: 'rollback',
  async run(context) {
    const count = context.quick ? QUICK_TRIALS : TRIALS;
    // BENCH_CPU_PROF=<dir> profiles every bot of the run (node --cpu-prof), for docs/bench-notes.
    const profile = process.env.BENCH_CPU_PROF;
    const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : undefined;
    const trials = await rollbackTrials(context, count, context.quick ? QUICK_WAVE : WAVE, nodeArgs);
    // Consecutive thirds as the repeats, each trial beside the floor sampled just before it.
    const size = Math.ceil(trials.length / REPEATS);
    const thirds = Array.from({ length: REPEATS }, (_, i) => trials.slice(i * size, (i + 1) * size));
    const of = (pick: (trial: Trial) => number) => thirds.map((third) => third.map(pick));
    const note = `${trials.length} trials${context.quick ? ' (--quick: fewer than the 200 of the target)' : ''}; registry seen by inotify on meta/ at the rename, before the directory fsync that follows`;
    const rows: Row[] = [
      {
        suite: 'rollback',
        figure: 'Alertmanager POST → meta_prod at shadow in the registry file',
        unit: 'ms',
        repeats: of((t) => t.shadowMs),
        baseline: { name: 'fsync floor (two atomic fsynced writes)', repeats: of((t) => t.floorMs) },
        statistic: 'p99',
        target: { kind: 'ratio', atMost: 2 },
        note,
      },
      {
        suite: 'rollback',
        figure: 'Alertmanager POST → rollback_finished in the ledger',
        unit: 'ms',
        repeats: of((t) => t.finishedMs),
        statistic: 'p99',
        target: { kind: 'below', value: 50 },
        note,
      },
      {
        suite: 'rollback',
        figure: 'Alertmanager POST → incident notice at the Slack stand-in',
        unit: 'ms',
        repeats: of((t) => t.noticeMs),
        statistic: 'p99',
        target: { kind: 'below', value: 200 },
        note,
      },
    ];
    return rows;
  },
};
