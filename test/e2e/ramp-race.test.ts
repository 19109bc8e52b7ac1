import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { redisAdapters } from '../../src/adapters/redis/redis-adapters.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { processDriver, toReady } from '../support/jobs-harness.js';
import { type BotProcess, compressedConfigFile, startBotProcess } from '../support/processes.js';
import { useTestRedis } from '../support/redis.js';
import { PEOPLE } from '../support/slack-harness.js';
import { SIGNING_SECRET } from '../support/slack-requests.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
const processes: BotProcess[] = [];
const ROUNDS = 50;

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
});

afterEach(async () => {
  await Promise.all(processes.splice(0).map((process) => process.kill('SIGKILL')));
  await standIn.stop();
});

describe('two web processes racing /mec ramp', () => {
  // 120 s: starting the bot processes takes up to 20 s on a loaded 2-core machine, and the 50 rounds
  // about 3 s idle and 12 s loaded; several times that, so a busy CI machine does not fail it.
  it(`accept exactly one ramp each time, ${ROUNDS} times`, async () => {
    const redis = testRedis();
    // A plan of 50 ramp steps, 2% apart, with no soaks, so each round is one step.
    const config = await compressedConfigFile((doc) => {
      doc.setIn(
        ['plan', 'steps'],
        doc.createNode(Array.from({ length: ROUNDS }, (_, i) => ({ ramp: 2 * (i + 1) }))),
      );
    });
    const env = {
      MEC_CONFIG: config,
      MEC_WORKSPACE: await copyExampleWorkspace(),
      REDIS_URL: inject('redisUrl'),
      MEC_REDIS_PREFIX: redis.prefix,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: standIn.apiUrl,
    };
    // The workers run in the first web process: a third process would only add its start-up, since
    // which process runs the ramp job has no part in which command is accepted.
    const start = async (role: 'all' | 'web') => {
      const started = await startBotProcess({ ...env, MEC_ROLE: role });
      processes.push(started);
      return started;
    };
    const [webA, webB] = await Promise.all([start('all'), start('web')]);
    const adapters = redisAdapters(redis.connect(), redis.prefix);
    const [a, b] = [webA, webB].map((web) => processDriver(`${web.url}/slack/events`, standIn, adapters)) as [
      ReturnType<typeof processDriver>,
      ReturnType<typeof processDriver>,
    ];
    await toReady(a, standIn);

    for (let round = 1; round <= ROUNDS; round++) {
      const weight = 2 * round;
      const replies = await Promise.all([
        a.command(PEOPLE.releaseManager, `ramp ${weight}`),
        b.command(PEOPLE.releaseManager, `ramp ${weight}`),
      ]);
      const accepted = replies.filter((reply) =>
        String(reply.args.text).includes(`Ramp to ${weight}% accepted`),
      );
      expect(accepted, `round ${round}: ${replies.map((reply) => reply.args.text).join(' | ')}`).toHaveLength(
        1,
      );
      await a.waitForState((state) => state.trafficPct === weight, 10_000);
    }

    const entries = await adapters.ledger.read();
    const accepted = entries.filter((entry) => entry.body.reason === 'ramp_accepted');
    expect(accepted.map((entry) => (entry.body.detail as { facts: { toPct: number } }).facts.toPct)).toEqual(
      Array.from({ length: ROUNDS }, (_, i) => 2 * (i + 1)),
    );
    // Each step's traffic report is recorded once; the last one completes the rollout.
    expect(entries.filter((entry) => entry.body.reason === 'traffic_applied')).toHaveLength(ROUNDS - 1);
    expect(entries.filter((entry) => entry.body.reason === 'rollout_complete')).toHaveLength(1);
    expect(entries.filter((entry) => entry.body.reason === 'registry_write')).toHaveLength(ROUNDS);
  }, 120_000);
});
