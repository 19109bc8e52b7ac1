import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyLedger } from '../../src/domain/verify-ledger.js';
import { type LocalRedis, startLocalRedis } from '../../src/infra/local-redis-server.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { compressed, type JobsHarness, startJobsHarness, toReady } from '../support/jobs-harness.js';
import { recordingLog } from '../support/recording-log.js';
import { useTestRedis } from '../support/redis.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('Redis with an append-only file, restarted during a soak', () => {
  it('comes back with everything, and the soak still completes, the outage logged once per connection', async () => {
    // The test owns the data directory: the server's own temporary one would go when it stops.
    const dir = await mkdtemp(join(tmpdir(), 'mec-aof-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    let server: LocalRedis = await startLocalRedis({ appendOnly: true, dir });
    const { port } = server;
    cleanups.push(() => server.stop());
    const standIn = new SlackApiStandIn();
    await standIn.start();
    cleanups.push(() => standIn.stop());
    const connectionLog = recordingLog();
    // ioredis prints an error event nobody listens for, and BullMQ's queues print theirs, with console.error.
    const consoleErrors = vi.spyOn(console, 'error');
    cleanups.push(async () => consoleErrors.mockRestore());
    const harness: JobsHarness = await startJobsHarness(standIn, testRedis(), {
      redisUrl: server.url,
      connectionLog,
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
    // Redis stays down until both of the bot's connections have seen it go.
    const outages = () => connectionLog.at('warn').map((line) => line.fields.redis);
    await expect.poll(() => outages().sort(), { timeout: 10_000 }).toEqual(['commands', 'jobs']);
    server = await startLocalRedis({ appendOnly: true, dir, port });

    const soaked = await harness.waitForState((state) => state.soak?.status === 'passed', 30_000);
    expect(soaked.soak?.soakId).toBe(soaking.soak?.soakId);
    expect(soaked.trafficPct).toBe(5);
    const after = await harness.adapters.ledger.read();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.map((entry) => entry.body.reason)).toContain('soak_passed');
    expect(verifyLedger(after)).toMatchObject({ ok: true });

    // Each connection warned once, with the message and no stack, and said when it was back.
    expect(outages().sort()).toEqual(['commands', 'jobs']);
    expect(connectionLog.at('warn').every((line) => typeof line.fields.err === 'string')).toBe(true);
    expect(
      connectionLog
        .at('info')
        .map((line) => line.fields.redis)
        .sort(),
    ).toEqual(['commands', 'jobs']);
    expect(connectionLog.at('error')).toEqual([]);
    expect(consoleErrors).not.toHaveBeenCalled();
  }, 60_000);
});
