import { afterEach, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { alertPayload } from '../support/alertmanager.js';
import { capturedLog } from '../support/captured-log.js';
import { holdingSoaks, type JobsHarness, startJobsHarness, toReady } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Line = Record<string, unknown>;

/** A jobs harness whose bot logs at debug into `lines`. */
async function loggedBot(): Promise<{ harness: JobsHarness; standIn: SlackApiStandIn; lines: Line[] }> {
  const standIn = new SlackApiStandIn();
  await standIn.start();
  cleanups.push(() => standIn.stop());
  const { logger, lines } = capturedLog('debug');
  const harness = await startJobsHarness(standIn, testRedis(), { logger, configure: holdingSoaks });
  cleanups.push(() => harness.close());
  return { harness, standIn, lines };
}

const INFO = 30;
const DEBUG = 20;

describe('the log tells the story of a request', () => {
  it('follows one correlation id from a command to its transition, its jobs and their Slack calls', async () => {
    const { harness, standIn, lines } = await loggedBot();
    const answer = await harness.command(PEOPLE.releaseManager, 'start');
    expect(String(answer.args.text)).toContain('rollout started');

    const command = lines.find((line) => line.msg === 'command' && line.command === 'start');
    expect(command).toMatchObject({
      level: INFO,
      user: PEOPLE.releaseManager,
      phase: harness.config.phase,
      outcome: 'applied',
      reason: expect.any(String),
      rolloutId: expect.any(String),
      seq: expect.any(Number),
      cid: expect.any(String),
    });
    const cid = command?.cid;
    expect(lines.find((line) => line.msg === 'transition' && line.event === 'start')).toMatchObject({
      level: INFO,
      cid,
      user: PEOPLE.releaseManager,
      outcome: 'applied',
      seq: command?.seq,
    });
    // The start's pre-flight job and the notify jobs that draw it carry the id into the workers.
    await expect
      .poll(
        () => lines.filter((line) => line.msg === 'job done' && line.cid === cid).map((line) => line.queue),
        {
          timeout: 20_000,
        },
      )
      .toEqual(expect.arrayContaining(['mec-preflight', 'mec-notify']));
    await expect
      .poll(
        () =>
          lines.some(
            (line) =>
              line.msg === 'Slack call' && line.slackMethod === 'chat.postMessage' && line.cid === cid,
          ),
        { timeout: 20_000 },
      )
      .toBe(true);
    // In Redis, the job data carries the id (it is no secret), and a job the pre-flight's own
    // transition added carries it on.
    const preflights = await harness.queues.preflight.getJobs(['completed', 'active', 'waiting']);
    expect(preflights.map((job) => job.data.cid)).toContain(cid);
    expect(lines.filter((line) => line.msg === 'job done').every((line) => line.level === DEBUG)).toBe(true);
    // Nothing logged names where the answer went.
    expect(JSON.stringify(lines)).not.toContain('/response/');
    expect(standIn.callsOf('chat.postMessage').length).toBeGreaterThan(0);
  }, 60_000);

  it('logs a click with who clicked, what, and what came of it', async () => {
    const { harness, standIn, lines } = await loggedBot();
    await toReady(harness, standIn);
    const clicked = lines.filter((line) => line.msg === 'click');
    // toReady approves by clicking each role's button.
    expect(clicked.length).toBeGreaterThan(0);
    for (const line of clicked)
      expect(line).toMatchObject({
        level: INFO,
        user: expect.stringMatching(/^U/),
        action: 'approve',
        role: expect.any(String),
        outcome: 'applied',
        seq: expect.any(Number),
        rolloutId: expect.any(String),
        cid: expect.any(String),
      });
    // Each click is its own request, with its own id.
    expect(new Set(clicked.map((line) => line.cid)).size).toBe(clicked.length);
  }, 60_000);

  it('logs each alert the webhook takes in, and the alert job and its transition carry its id', async () => {
    const { harness, standIn, lines } = await loggedBot();
    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.soak?.status === 'running');
    await harness.alert(alertPayload({ alarm: 'feature_drift', severity: 'WARNING' }));

    const alert = lines.find((line) => line.msg === 'alert');
    expect(alert).toMatchObject({
      level: INFO,
      alarm: 'feature_drift',
      severity: 'WARNING',
      status: 'firing',
      outcome: 'queued',
      batch: expect.any(String),
      cid: expect.any(String),
    });
    await expect
      .poll(
        () =>
          lines.some(
            (line) => line.msg === 'job done' && line.queue === 'mec-alerts' && line.cid === alert?.cid,
          ),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);
    // The alarm the job applied is logged as a transition under the webhook request's id.
    expect(lines.find((line) => line.msg === 'transition' && line.event === 'alarm')).toMatchObject({
      level: INFO,
      cid: alert?.cid,
      outcome: 'recorded',
      reason: 'alarm_recorded',
      seq: expect.any(Number),
    });
  }, 60_000);
});
