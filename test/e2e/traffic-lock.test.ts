import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apply } from '../../src/app/rollout-context.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { holdingSoaks, type JobsHarness, startJobsHarness, toReady } from '../support/jobs-harness.js';
import { listenForTest } from '../support/local-server.js';
import { useTestRedis } from '../support/redis.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
// Long enough that a loaded machine's stalls never outlast most of a lease, which would lose the lock.
const LOCK_MS = 1_000;
const open: { harness?: JobsHarness; standIn?: SlackApiStandIn } = {};

afterEach(async () => {
  await open.harness?.close();
  await open.standIn?.stop();
});

describe('the traffic lock, with an external flag system that hangs', () => {
  it('keeps a rollback out until a ramp whose POST outlasts the lock has finished, so shadow lands last', async () => {
    const events: string[] = [];
    let heard5!: () => void;
    const rampHeard = new Promise<void>((resolve) => {
      heard5 = resolve;
    });
    const flagSystem = await listenForTest((request, response) => {
      const { weightPct } = JSON.parse(request.body) as { weightPct: number };
      events.push(`received ${weightPct}`);
      const answer = () => {
        events.push(`answered ${weightPct}`);
        response.writeHead(204).end();
      };
      if (weightPct !== 5) return answer();
      heard5();
      // The flag system takes more than two lock durations to answer the ramp.
      setTimeout(answer, LOCK_MS * 2.5);
    });
    open.standIn = new SlackApiStandIn();
    await open.standIn.start();
    const harness = await startJobsHarness(open.standIn, testRedis(), {
      configure: (config) => {
        const held = holdingSoaks(config);
        return {
          ...held,
          traffic: { controller: 'http', url: flagSystem.url, timeout: 10_000 },
          jobs: { ...held.jobs, lockDuration: LOCK_MS },
        };
      },
    });
    open.harness = harness;

    await toReady(harness, open.standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await rampHeard;
    await apply(harness.bot.ctx, { type: 'rollback', actor: PEOPLE.sre, reason: 'paged mid-ramp' });
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);

    expect(events.slice(events.indexOf('received 5'))).toEqual([
      'received 5',
      'answered 5',
      'received 0',
      'answered 0',
    ]);
    const flags = JSON.parse(await readFile(join(harness.workspace, 'meta/meta_flags.json'), 'utf8'));
    expect(flags.meta_prod).toEqual({ mode: 'shadow', weightPct: 0 });
  });
});
