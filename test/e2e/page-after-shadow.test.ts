import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../src/sandbox/slack-api-stand-in.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { alertPayload, postAlert } from '../support/alertmanager.js';
import {
  ALERT_TOKEN,
  holdingSoaks,
  type JobsHarness,
  startJobsHarness,
  toReady,
} from '../support/jobs-harness.js';
import { listenForTest } from '../support/local-server.js';
import { useTestRedis } from '../support/redis.js';
import { textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
const INCIDENT_CHANNEL = 'C0INCIDENT1';
const open: { harness?: JobsHarness; standIn?: SlackApiStandIn; flagSystem?: { answer(): void } } = {};

afterEach(async () => {
  // A write still held (a failed test) would keep the rollback job, and so the workers' close, waiting.
  open.flagSystem?.answer();
  await open.harness?.close();
  await open.standIn?.stop();
});

/**
 * An external flag system whose write of shadow (weight 0) is held until the test lets it answer: the
 * rollback's traffic write is as slow as the test wants. With `failing`, it answers that write 503.
 */
async function slowFlagSystem(options: { failing?: boolean } = {}) {
  let failing = options.failing ?? false;
  const held: ServerResponse[] = [];
  let heard!: () => void;
  const shadowAsked = new Promise<void>((resolve) => {
    heard = resolve;
  });
  const flagSystem = await listenForTest((request, response) => {
    const { weightPct } = JSON.parse(request.body) as { weightPct: number };
    if (weightPct !== 0) return void response.writeHead(204).end();
    if (failing) return void response.writeHead(503).end();
    if (system.answered) return void response.writeHead(204).end();
    held.push(response);
    heard();
  });
  const system = {
    url: flagSystem.url,
    shadowAsked,
    /** Whether the write of shadow has been answered; from then on it is answered at once. */
    answered: false,
    answer() {
      failing = false;
      system.answered = true;
      for (const response of held.splice(0)) response.writeHead(204).end();
    },
  };
  open.flagSystem = system;
  return system;
}

/** A bot soaking at 5% whose rollback writes traffic through `flagSystem`, paging after `pageDeadline` ms at the latest. */
async function soakingAt5(flagUrl: string, pageDeadline: number) {
  open.standIn = new SlackApiStandIn();
  await open.standIn.start();
  const harness = await startJobsHarness(open.standIn, testRedis(), {
    configure: (config) => {
      const held = holdingSoaks(config);
      return {
        ...held,
        // Longer than the test holds the write, so the hold is one slow write, not a failed one.
        traffic: { controller: 'http', url: flagUrl, timeout: 60_000 },
        jobs: { ...held.jobs, pageDeadline },
      };
    },
  });
  open.harness = harness;
  await toReady(harness, open.standIn);
  await harness.command(PEOPLE.releaseManager, 'ramp 5');
  await harness.waitForState((state) => state.soak?.status === 'running');
  return { harness, standIn: open.standIn };
}

const isNotice = (call: RecordedCall) =>
  call.method === 'chat.postMessage' && call.args.channel === INCIDENT_CHANNEL && !call.args.thread_ts;

async function blocker(harness: JobsHarness) {
  const posted = await postAlert(
    harness.webhookUrl,
    alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }),
    ALERT_TOKEN,
  );
  expect(posted.status).toBe(200);
}

/** Polls the incident queue until its page job has either run or been set to wait. */
async function pageJobSettled(harness: JobsHarness): Promise<string> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    const [job] = (
      await harness.queues.incident.getJobs(['delayed', 'completed', 'waiting', 'active'])
    ).filter((candidate) => candidate.name === 'page');
    const state = job ? await job.getState() : undefined;
    if (state === 'delayed' || state === 'completed') return state;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the page job never ran nor waited');
}

describe('the incident page, with a slow traffic write', () => {
  it('sends no notice before the rollback has traffic at shadow, and sends it once it has', async () => {
    const flagSystem = await slowFlagSystem();
    const { harness, standIn } = await soakingAt5(flagSystem.url, 60_000);
    await blocker(harness);
    await flagSystem.shadowAsked;
    // The page job has had its chance to run while the write is held: it waits instead.
    expect(await pageJobSettled(harness)).toBe('delayed');
    expect(standIn.calls.filter(isNotice)).toEqual([]);

    const writtenAt = standIn.calls.length;
    flagSystem.answer();
    const notice = await standIn.waitFor(isNotice, 20_000);
    expect(standIn.calls.indexOf(notice)).toBeGreaterThanOrEqual(writtenAt);
    expect(textOf(notice)).toContain('Rolled back: traffic 5% → 0% (shadow)');
    expect(textOf(notice)).not.toContain('still running');
    expect(standIn.calls.filter(isNotice)).toHaveLength(1);
  }, 120_000);

  it('pages at the deadline saying the rollback is still running when the write is slower, then updates the notice', async () => {
    const flagSystem = await slowFlagSystem();
    const { harness, standIn } = await soakingAt5(flagSystem.url, 300);
    await blocker(harness);
    await flagSystem.shadowAsked;
    const notice = await standIn.waitFor(isNotice, 20_000);
    expect(flagSystem.answered).toBe(false);
    expect(textOf(notice)).toContain('Rollback still running: traffic 5% → 0% (shadow) is not confirmed yet');

    flagSystem.answer();
    const updated = await standIn.waitFor(
      (call) =>
        call.method === 'chat.update' &&
        call.args.ts === notice.reply.ts &&
        textOf(call).includes('Rolled back: traffic 5% → 0% (shadow)'),
      20_000,
    );
    expect(textOf(updated)).not.toContain('still running');
    expect(standIn.calls.filter(isNotice)).toHaveLength(1);
  }, 120_000);

  it('pages at the deadline, tells of a failed attempt of the rollback, then of shadow once a retry gets there', async () => {
    const flagSystem = await slowFlagSystem({ failing: true });
    const { harness, standIn } = await soakingAt5(flagSystem.url, 300);
    await blocker(harness);
    const notice = await standIn.waitFor(isNotice, 20_000);
    const told = (text: string) => (call: RecordedCall) =>
      (call === notice || (call.method === 'chat.update' && call.args.ts === notice.reply.ts)) &&
      textOf(call).includes(text);
    await standIn.waitFor(told('an attempt failed (traffic_controller_failed) and is retried'), 20_000);
    expect(flagSystem.answered).toBe(false);

    flagSystem.answer();
    await standIn.waitFor(told('Rolled back: traffic 5% → 0% (shadow)'), 30_000);
    expect(standIn.calls.filter(isNotice)).toHaveLength(1);
  }, 120_000);
});
