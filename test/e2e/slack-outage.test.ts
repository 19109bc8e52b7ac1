import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { alertPayload, postAlert } from '../support/alertmanager.js';
import { ALERT_TOKEN, holdingSoaks, startJobsHarness, toReady } from '../support/jobs-harness.js';
import { type BotProcess, compressedConfigFile, startBotProcess } from '../support/processes.js';
import { type TestRedis, useTestRedis } from '../support/redis.js';
import { slackFront } from '../support/slack-front.js';
import { PEOPLE } from '../support/slack-harness.js';
import { SIGNING_SECRET } from '../support/slack-requests.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
let redis: TestRedis;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  redis = testRedis();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await standIn.stop();
});

/** The process's /readyz answer, or its exit code once it has ended. */
async function readyz(bot: BotProcess) {
  if (bot.child.exitCode !== null)
    return { exitCode: bot.child.exitCode, output: bot.output().slice(-2_000) };
  const response = await fetch(`${bot.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { detail: Record<string, string> } };
}

describe('Slack being down at start', () => {
  it('keeps the process up, with the webhook and rollbacks working, and readies it once Slack answers', async () => {
    // The rollout is soaking at 5%, set up by a bot with Slack up; then a bot process starts while Slack is down.
    const harness = await startJobsHarness(standIn, redis, { configure: holdingSoaks });
    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.soak?.status === 'running');
    await harness.close();

    const front = await slackFront(standIn, 2);
    cleanups.push(() => front.close());
    const config = await compressedConfigFile((doc) => doc.setIn(['plan', 'steps', 1, 'soak'], '60s'));
    const bot: BotProcess = await startBotProcess({
      MEC_CONFIG: config,
      MEC_WORKSPACE: harness.workspace,
      REDIS_URL: inject('redisUrl'),
      MEC_REDIS_PREFIX: redis.prefix,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: front.url,
      MEC_ALERT_TOKEN: ALERT_TOKEN,
    });
    cleanups.push(() => bot.kill('SIGKILL'));

    // auth.test answered 500: the process is up and says Slack is not ready.
    await expect
      .poll(() => readyz(bot), { timeout: 30_000 })
      .toMatchObject({ status: 200, body: { detail: { slack: 'not ready: HTTP 500' } } });
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);

    // A BLOCKER during the outage rolls the registry back to shadow.
    const posted = await postAlert(
      `${bot.url}/alerts/alertmanager`,
      alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }),
      ALERT_TOKEN,
    );
    expect(posted.status).toBe(200);
    await harness.waitForState((state) => state.lock !== undefined && state.trafficPct === 0, 30_000);
    const flags = JSON.parse(await readFile(join(harness.workspace, 'meta/meta_flags.json'), 'utf8'));
    expect(flags.meta_prod).toEqual({ mode: 'shadow', weightPct: 0 });
    expect(standIn.callsOf('chat.postMessage').filter((call) => call.args.channel === 'C0INCIDENT1')).toEqual(
      [],
    );

    // 429 with Retry-After: the next auth.test waits at least that long.
    front.set('rate_limited');
    await expect
      .poll(() => readyz(bot), { timeout: 40_000 })
      .toMatchObject({
        status: 200,
        body: { detail: { slack: 'not ready: rate limited (Retry-After 2 s)' } },
      });
    const limitedAt = front.seen.find(
      (call) => call.mode === 'rate_limited' && call.method === 'auth.test',
    )?.at;

    // Nothing listening: connection refused.
    await front.close();
    await expect
      .poll(() => readyz(bot), { timeout: 40_000 })
      .toMatchObject({ status: 200, body: { detail: { slack: 'not ready: unreachable (ECONNREFUSED)' } } });

    // Slack is back: ready, and the page held back during the outage reaches the incident channel.
    front.set('up');
    await front.open();
    await expect
      .poll(() => readyz(bot), { timeout: 40_000 })
      .toMatchObject({ status: 200, body: { detail: { slack: 'ok' } } });
    await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === 'C0INCIDENT1',
      40_000,
    );

    const authTests = front.seen.filter((call) => call.method === 'auth.test');
    const afterLimit = authTests.find((call) => limitedAt !== undefined && call.at > limitedAt);
    expect(limitedAt).toBeDefined();
    expect((afterLimit?.at ?? 0) - (limitedAt ?? 0)).toBeGreaterThanOrEqual(2_000);
    expect(bot.child.exitCode).toBeNull();
    // /readyz can answer before the child's stdout is read, and the recovery is logged last.
    await expect.poll(() => bot.output(), { timeout: 10_000 }).toContain('Slack answers again');
    const warnings = bot.output().match(/Slack did not answer at start/g) ?? [];
    expect(warnings).toHaveLength(3);
    expect(bot.output()).not.toContain('xoxb-test-token');
  }, 240_000);
});
