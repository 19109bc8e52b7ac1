import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/domain/verify-ledger.js';
import { type LocalRedis, startLocalRedis } from '../../../src/infra/local-redis-server.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { compressed, type JobsHarness, startJobsHarness, toReady } from '../../support/jobs-harness.js';
import { useTestRedis } from '../../support/redis.js';
import { PEOPLE } from '../../support/slack-harness.js';

const testRedis = useTestRedis();
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('Redis with an append-only file, restarted during a soak', () => {
  it('comes back with everything, and the soak still completes', async () => {
    // The test owns the data directory: the server's own temporary one would go when it stops.
    const dir = await mkdtemp(join(tmpdir(), 'mec-aof-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    let server: LocalRedis = await startLocalRedis({ appendOnly: true, dir });
    const { port } = server;
    cleanups.push(() => server.stop());
    const standIn = new SlackApiStandIn();
    await standIn.start();
    cleanups.push(() => standIn.stop());
    const harness: JobsHarness = await startJobsHarness(standIn, testRedis(), {
      redisUrl: server.url,
      configure: (config) => {
        const fast = compressed(config);
        const steps = fast.plan.steps.map((step, index) => (index === 1 ? { soak: 3_000 } : step));
        return { ...fast, plan: { autoAdvance: false, steps } };
      },
    });
    cleanups.push(() => harness.close());

    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    const soaking = await harness.waitForState((state) => state.soak?.status === 'running');
    const before = await harness.adapters.ledger.read();

    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    server = await startLocalRedis({ appendOnly: true, dir, port });

    const soaked = await harness.waitForState((state) => state.soak?.status === 'passed', 30_000);
    expect(soaked.soak?.soakId).toBe(soaking.soak?.soakId);
    expect(soaked.trafficPct).toBe(5);
    const after = await harness.adapters.ledger.read();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.map((entry) => entry.body.reason)).toContain('soak_passed');
    expect(verifyLedger(after)).toMatchObject({ ok: true });
  }, 60_000);
});
