import { Redis } from 'ioredis';
import { startLocalRedis } from '../../../src/infra/local-redis-server.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { alertPayload } from '../../../test/support/alertmanager.js';
import { PEOPLE } from '../../../test/support/slack-harness.js';
import { commandFields, postForm, SIGNING_SECRET } from '../../../test/support/slack-requests.js';
import { writeLedgerFixture } from '../ledger-fixture.js';
import { BOT_ENV, startProcess } from '../support/bot-process.js';
import type { Row } from '../support/report.js';
import type { BenchContext } from '../support/suite.js';

const ALERT_TOKEN = 'bench-alert-token-0123456789';
/** One webhook POST every this many ms, idle and during the verify. */
const POST_EVERY_MS = 20;
const IDLE_MS = 4_000;
/** How long after the answer the bot is left before its RSS is read again. */
const SETTLE_MS = 3_000;

/**
 * `/mec verify` inside `node dist/main.js` on a fixture ledger: Alertmanager webhook latency (one re-sent
 * WARNING alert, so each POST is the idempotent path) while the bot is idle and while it verifies, and
 * the bot's RSS idle, at its peak during the verify, and after. The answer must reach the stand-in.
 */
export async function botVerifyFigures(context: BenchContext): Promise<Row[]> {
  const entries = context.quick ? 50_000 : 300_000;
  const redisServer = await startLocalRedis();
  const redis = new Redis(redisServer.url);
  const standIn = new SlackApiStandIn();
  await standIn.start();
  context.log(`ledger: writing a ${entries / 1000}k-entry ledger for /mec verify in the bot`);
  const workspace = await writeLedgerFixture(redis, 'botverify:', entries, 1_000);
  const bot = await startProcess({
    env: {
      ...BOT_ENV,
      REDIS_URL: redisServer.url,
      MEC_REDIS_PREFIX: 'botverify:',
      MEC_WORKSPACE: workspace,
      MEC_CONFIG: 'examples/m6/mec.config.yml',
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: standIn.apiUrl,
      MEC_ALERT_TOKEN: ALERT_TOKEN,
    },
  });
  const payload = JSON.stringify(alertPayload({ alarm: 'feature_drift', severity: 'WARNING' }));
  const post = async (): Promise<number> => {
    const started = performance.now();
    const response = await fetch(`${bot.url}/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERT_TOKEN}` },
      body: payload,
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
    return performance.now() - started;
  };
  // Posts at a fixed pace until `until` resolves; RSS sampled alongside.
  const paced = async (until: Promise<unknown>) => {
    const latencies: number[] = [];
    const rss: number[] = [];
    let done = false;
    void until.finally(() => {
      done = true;
    });
    while (!done) {
      const tick = new Promise((r) => setTimeout(r, POST_EVERY_MS));
      latencies.push(await post());
      rss.push(await bot.rssMb());
      await tick;
    }
    return { latencies, rss };
  };
  try {
    // The first POST records the alert; the ones after are its re-sends. The warm-up also lets the
    // start-up anchoring and JIT settle before the idle figure.
    for (let i = 0; i < 100; i += 1) await post();
    const idle = await paced(new Promise((r) => setTimeout(r, IDLE_MS)));
    const idleRss = await bot.rssMb();
    const id = 'bench-verify';
    const answered = standIn.waitFor(
      (call) => call.method === 'response_url' && call.args.id === id,
      180_000,
    );
    const started = performance.now();
    await postForm(
      `${bot.url}/slack/events`,
      commandFields('verify', PEOPLE.releaseManager, standIn.responseUrl(id)),
    );
    const during = await paced(answered);
    const verifySeconds = (performance.now() - started) / 1000;
    const { text } = (await answered).args as { text?: string };
    const answer = text ?? '';
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const afterRss = await bot.rssMb();
    const passed = answer.startsWith('Verify: Everything recomputes.') ? 1 : 0;
    context.log(`ledger: /mec verify answered in ${verifySeconds.toFixed(1)} s: ${answer.slice(0, 160)}`);
    const k = `${entries / 1000}k`;
    return [
      {
        suite: 'ledger',
        figure: `webhook latency while /mec verify runs on ${k} entries, vs idle`,
        unit: 'ms',
        repeats: [during.latencies],
        baseline: { name: 'same bot idle', repeats: [idle.latencies] },
        statistic: 'p99',
        target: { kind: 'ratio', atMost: 2 },
      },
      {
        suite: 'ledger',
        figure: `/mec verify in the bot, ${k} entries, until its answer reaches Slack`,
        unit: 's',
        repeats: [[verifySeconds]],
        statistic: 'max',
        target: { kind: 'none' },
      },
      {
        suite: 'ledger',
        figure: `bot peak RSS during /mec verify, ${k} entries`,
        unit: 'MB',
        repeats: [[Math.max(...during.rss)]],
        statistic: 'max',
        target: { kind: 'none' },
      },
      {
        suite: 'ledger',
        figure: `bot RSS ${SETTLE_MS / 1000} s after /mec verify, vs idle before`,
        unit: 'MB',
        repeats: [[afterRss]],
        baseline: { name: 'idle RSS', repeats: [[idleRss]] },
        statistic: 'max',
        target: { kind: 'ratio', atMost: 1.2 },
      },
      {
        suite: 'ledger',
        figure: `bot RSS after ${k} entries and a verify (footprint)`,
        unit: 'MB',
        repeats: [[afterRss]],
        statistic: 'max',
        target: { kind: 'below', value: 200 },
      },
      {
        suite: 'ledger',
        figure: '/mec verify answer says the ledger verified (1 = yes)',
        unit: 'count',
        repeats: [[passed]],
        statistic: 'max',
        target: { kind: 'equals', value: 1 },
      },
    ];
  } finally {
    await bot.stop();
    await standIn.stop();
    redis.disconnect();
    await redisServer.stop();
  }
}
