import { describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import {
  compressed,
  expectVerified,
  reasonCounts,
  startJobsHarness,
  toReady,
  waitCertified,
} from '../support/jobs-harness.js';
import { startReadyBotOn } from '../support/processes.js';
import { useTestRedis } from '../support/redis.js';
import { startSentinelTopology } from '../support/redis-sentinel.js';
import { PEOPLE } from '../support/slack-harness.js';
import { useTeardown } from '../support/teardown.js';

const testRedis = useTestRedis();
const teardown = useTeardown();

/** Long enough that the failover lands inside it. */
const FIRST_SOAK_MS = 6_000;

describe('Redis through Sentinel', () => {
  it('goes on through a failover of the master mid-soak: the soak completes, no transition is lost or doubled, the ledger verifies', async () => {
    const topology = await startSentinelTopology();
    teardown(() => topology.stop());
    const standIn = new SlackApiStandIn();
    await standIn.start();
    teardown(() => standIn.stop());
    const harness = await startJobsHarness(standIn, testRedis(), {
      redisUrl: topology.url,
      configure: (config) => {
        const fast = compressed(config);
        let first = true;
        const steps = fast.plan.steps.map((step) => {
          if (!('soak' in step) || !first) return step;
          first = false;
          return { soak: FIRST_SOAK_MS };
        });
        return { ...fast, plan: { ...fast.plan, steps } };
      },
    });
    teardown(() => harness.close());
    await toReady(harness, standIn);
    const masterBefore = await topology.masterPort();
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.soak?.status === 'running' && state.trafficPct === 5);

    const failoverStarted = Date.now();
    await topology.failOver();
    expect(await topology.masterPort()).not.toBe(masterBefore);

    const done = await waitCertified(harness);
    expect(done.trafficPct).toBe(100);
    const count = await reasonCounts(harness);
    expect(count('check_passed')).toBe(4);
    expect(count('ramp_accepted')).toBe(4);
    expect(count('traffic_applied')).toBe(4);
    expect(count('soak_passed')).toBe(3);
    expect(count('rollout_complete')).toBe(1);
    expect(count('phase_certified')).toBe(1);
    const entries = await harness.adapters.ledger.read();
    expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, index) => index + 1));
    // The soak that was running when the master went passed after it, on the new master.
    const firstSoak = entries.find((entry) => entry.body.reason === 'soak_passed');
    expect(Date.parse(firstSoak?.body.at ?? '')).toBeGreaterThan(failoverStarted);

    await expectVerified(harness);
  }, 120_000);

  it('is how the bot process connects when REDIS_URL is a redis+sentinel:// URL: it starts and is ready', async () => {
    const topology = await startSentinelTopology();
    teardown(() => topology.stop());
    const standIn = new SlackApiStandIn();
    await standIn.start();
    teardown(() => standIn.stop());
    const bot = await startReadyBotOn(topology.url, testRedis().prefix, standIn);
    teardown(() => bot.kill('SIGKILL'));
    expect(await (await fetch(`${bot.url}/readyz`)).json()).toMatchObject({ ok: true });
  }, 90_000);
});
