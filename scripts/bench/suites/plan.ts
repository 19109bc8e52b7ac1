import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parseDocument } from 'yaml';
import { redisAdapters } from '../../../src/adapters/redis/redis-adapters.js';
import { ACTION } from '../../../src/adapters/slack/ids.js';
import type { RolloutState } from '../../../src/domain/rollout-state.js';
import { startLocalRedis } from '../../../src/infra/local-redis-server.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { button, textOf, where } from '../../../test/support/slack-find.js';
import {
  buttonClick,
  commandFields,
  postForm,
  SIGNING_SECRET,
} from '../../../test/support/slack-requests.js';
import { copyExampleWorkspace } from '../../../test/support/workspace.js';
import { PEOPLE } from '../edge/ready-rollout.js';
import { BOT_ENV, startProcess } from '../support/bot-process.js';
import type { Row } from '../support/report.js';
import { type BenchContext, REPEATS, type Suite } from '../support/suite.js';

/**
 * The whole M6 plan driven through one real bot process (web and workers, MEC_ROLE=all) over signed
 * Slack requests: start, the checks and the smoke, the joint go, four approvals, then each ramp of the
 * plan as `/mec ramp N` once the soak before it passed, to rollout complete. Only the smoke and the
 * soaks are compressed (and the evaluation interval with them, as 30 s is to 15 m); the job intervals
 * stay as the example configures them. Overhead = wall clock − the driver's own HTTP calls − the sum of
 * the configured durations.
 */
const TARGET_OVERHEAD = 0.05;
const EVALUATION_MS = 100;
// How often the driver reads the rollout from Redis: its reaction time, counted as overhead.
const POLL_MS = 5;

interface Run {
  wallMs: number;
  clicksMs: number;
  durationsMs: number;
  /** Per stage: wall clock minus the stage's clicks and configured duration. */
  stages: Record<string, number>;
}

async function configFile(stepMs: number): Promise<string> {
  const doc = parseDocument(await readFile('examples/m6/mec.config.yml', 'utf8'));
  doc.setIn(['smoke', 'duration'], `${stepMs}ms`);
  const steps = doc.getIn(['plan', 'steps']) as {
    items: Array<{ has(key: string): boolean; set(key: string, value: string): void }>;
  };
  for (const step of steps.items) if (step.has('soak')) step.set('soak', `${stepMs}ms`);
  doc.setIn(['metrics', 'evaluationInterval'], `${EVALUATION_MS}ms`);
  const dir = await mkdtemp(join(tmpdir(), 'mec-plan-'));
  const path = join(dir, 'mec.config.yml');
  await writeFile(path, doc.toString());
  return path;
}

async function drive(context: BenchContext, stepMs: number, run: number): Promise<Run> {
  const redisServer = await startLocalRedis();
  const standIn = new SlackApiStandIn();
  await standIn.start();
  const redis = new Redis(redisServer.url);
  const prefix = `plan${run}:`;
  const store = redisAdapters(redis, prefix).store;
  const bot = await startProcess({
    env: {
      ...BOT_ENV,
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: standIn.apiUrl,
      REDIS_URL: redisServer.url,
      MEC_REDIS_PREFIX: prefix,
      MEC_CONFIG: await configFile(stepMs),
      MEC_WORKSPACE: await copyExampleWorkspace(),
    },
  });
  const events = `${bot.url}/slack/events`;
  let clicksMs = 0;
  let responses = 0;
  const stageClicks: Record<string, number> = {};
  let stage = 'checks and smoke';
  // A click lasts from sending it to its answer at the response_url; the bot's work after that is not a click.
  const timed = async (fields: Record<string, string>, id: string) => {
    const sent = performance.now();
    const response = await postForm(events, fields);
    if (response.status !== 200) throw new Error(`Slack request answered ${response.status}`);
    await standIn.waitFor((call) => call.method === 'response_url' && call.args.id === id, 15_000);
    const took = performance.now() - sent;
    clicksMs += took;
    stageClicks[stage] = (stageClicks[stage] ?? 0) + took;
  };
  const command = (user: string, text: string) => {
    const id = `plan-r${++responses}`;
    return timed(commandFields(text, user, standIn.responseUrl(id)), id);
  };
  const until = async (what: string, predicate: (state: RolloutState) => boolean) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { state } = await store.load('M6');
      if (state && predicate(state)) return state;
      if (state?.soak?.status === 'blind' || state?.status === 'stopped' || Date.now() > deadline)
        throw new Error(`the plan never reached ${what}: ${JSON.stringify(state?.soak ?? state?.status)}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const stages: Record<string, number> = {};
  try {
    const started = performance.now();
    let stageStarted = started;
    const endStage = (next: string, durationMs: number) => {
      stages[stage] = performance.now() - stageStarted - (stageClicks[stage] ?? 0) - durationMs;
      stage = next;
      stageStarted = performance.now();
    };
    await command(PEOPLE.releaseManager, 'start');
    await until('a passed smoke', (state) => state.checks.smoke.status === 'passed');
    endStage('go/no-go and approvals', stepMs);
    await command(PEOPLE.governance, 'go');
    await command(PEOPLE.sre, 'go');
    // Posts are spaced by notifyInterval, so the card may come after a queue of them.
    const card = await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && textOf(call).includes(ACTION.approve),
      30_000,
    );
    for (const [name, user] of [
      ['Governance Lead', PEOPLE.governance],
      ['SRE On-Call', PEOPLE.sre],
      ['Security Officer', PEOPLE.security],
      ['Product Owner', PEOPLE.product],
    ] as const) {
      const id = `plan-r${++responses}`;
      await timed(
        buttonClick(
          user,
          ACTION.approve,
          button(card, ACTION.approve, name),
          where(card),
          standIn.responseUrl(id),
        ),
        id,
      );
    }
    await until('four approvals', (state) => Object.keys(state.approvals).length === 4);
    const ramps = [5, 25, 60, 100];
    endStage(`ramp ${ramps[0]} and soak`, 0);
    for (const [index, weight] of ramps.entries()) {
      await command(PEOPLE.releaseManager, `ramp ${weight}`);
      const last = index === ramps.length - 1;
      await until(`the soak at ${weight}%`, (state) =>
        last
          ? state.status === 'complete'
          : state.trafficPct === weight && state.soak?.status === 'passed' && !state.pendingRamp,
      );
      endStage(last ? 'done' : `ramp ${ramps[index + 1]} and soak`, stepMs);
    }
    const wallMs = performance.now() - started;
    context.log(`plan: run ${run} took ${(wallMs / 1000).toFixed(2)} s, clicks ${clicksMs.toFixed(0)} ms`);
    return { wallMs, clicksMs, durationsMs: stepMs * (1 + ramps.length), stages };
  } catch (error) {
    context.log(bot.output().slice(-4_000));
    throw error;
  } finally {
    await bot.stop();
    redis.disconnect();
    await standIn.stop();
    await redisServer.stop();
  }
}

export const planSuite: Suite = {
  name: 'plan',
  async run(context) {
    const stepMs = context.quick ? 2_000 : 3_000;
    const runs: Run[] = [];
    for (let run = 1; run <= (context.quick ? 1 : REPEATS); run++)
      runs.push(await drive(context, stepMs, run));
    const overhead = (run: Run) => (run.wallMs - run.clicksMs - run.durationsMs) / run.durationsMs;
    const rows: Row[] = [
      {
        suite: 'plan',
        figure: `whole M6 plan, smoke and 4 soaks of ${stepMs / 1000} s: time beyond durations and clicks, share of the durations`,
        unit: 'ratio',
        repeats: runs.map((run) => [overhead(run)]),
        statistic: 'median',
        target: { kind: 'atMost', value: TARGET_OVERHEAD },
      },
      {
        suite: 'plan',
        figure: 'whole M6 plan: wall clock, first command to rollout complete',
        unit: 's',
        repeats: runs.map((run) => [run.wallMs / 1000]),
        statistic: 'median',
        target: { kind: 'none' },
        note: `sum of durations ${(runs[0] as Run).durationsMs / 1000} s`,
      },
      {
        suite: 'plan',
        figure: 'whole M6 plan: the driver’s clicks (commands and buttons, to their answer)',
        unit: 's',
        repeats: runs.map((run) => [run.clicksMs / 1000]),
        statistic: 'median',
        target: { kind: 'none' },
      },
    ];
    for (const name of Object.keys((runs[0] as Run).stages))
      rows.push({
        suite: 'plan',
        figure: `plan overhead in: ${name}`,
        unit: 'ms',
        repeats: runs.map((run) => [run.stages[name] ?? Number.NaN]),
        statistic: 'median',
        target: { kind: 'none' },
      });
    return rows;
  },
};
