import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/adapters/slack/ids.js';
import { EVENTS_PATH } from '../../src/adapters/slack/slack-app.js';
import { SYSTEM_ACTOR } from '../../src/domain/ledger-entry.js';
import type { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { type JobsHarness, useJobsHarness } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { approvalCardPost, button, latestDrawing, where } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';
import { buttonClick, commandFields, signedHeaders } from '../support/slack-requests.js';

const testRedis = useTestRedis();
const current = useJobsHarness(testRedis);
let harness: JobsHarness;
let standIn: SlackApiStandIn;
beforeEach(() => {
  ({ harness, standIn } = current());
});

const FORM = 'application/x-www-form-urlencoded';
const APPROVERS = [
  ['Governance Lead', PEOPLE.governance],
  ['SRE On-Call', PEOPLE.sre],
  ['Security Officer', PEOPLE.security],
  ['Product Owner', PEOPLE.product],
] as const;

/** A request as it went over the wire, kept to be sent again. */
interface Captured {
  body: string;
  headers: Record<string, string>;
  responseId: string;
}

let sent = 0;

function eventsUrl() {
  return harness.webhookUrl.replace(/\/alerts\/alertmanager$/, EVENTS_PATH);
}

async function send(request: Captured) {
  const response = await fetch(eventsUrl(), { method: 'POST', body: request.body, headers: request.headers });
  return { status: response.status, body: await response.text() };
}

/** Signs and sends a form as Slack would, and keeps what was sent. */
async function sendCaptured(fields: (responseUrl: string) => Record<string, string>): Promise<Captured> {
  const responseId = `replay-r${++sent}`;
  const body = new URLSearchParams(fields(standIn.responseUrl(responseId))).toString();
  const captured = { body, headers: signedHeaders(body, FORM), responseId };
  expect((await send(captured)).status).toBe(200);
  await standIn.waitFor(
    (call) => call.method === 'response_url' && call.args.id === captured.responseId,
    15_000,
  );
  return captured;
}

const count = async (reason: string) => (await harness.reasons()).filter((r) => r === reason).length;

describe('requests captured before a rollback', () => {
  it('neither re-record approvals, nor lift the lock, nor move traffic when replayed after a BLOCKER', async () => {
    await harness.command(PEOPLE.releaseManager, 'start');
    await harness.waitForState((state) => state.checks.smoke.status === 'passed');
    await harness.command(PEOPLE.governance, 'go');
    await harness.command(PEOPLE.sre, 'go');
    const card = await approvalCardPost(standIn);
    const clicks: Captured[] = [];
    for (const [name, user] of APPROVERS) {
      const value = button(card, ACTION.approve, name);
      clicks.push(await sendCaptured((url) => buttonClick(user, ACTION.approve, value, where(card), url)));
    }
    await harness.waitForState((state) => Object.keys(state.approvals).length === 4);
    const ramp = await sendCaptured((url) => commandFields('ramp 5', PEOPLE.releaseManager, url));
    await harness.waitForState((state) => state.soak?.status === 'running' && state.trafficPct === 5);

    await harness.samples.inject('latency_slo_drop', 0.042);
    await harness.waitForState((state) => state.lock !== undefined && state.rollback === undefined);
    const afterRollback = (await harness.adapters.ledger.read()).length;
    // The bot goes on writing its own entries (the incident at shadow, alarms); people write none.
    const peoplesEntries = async () =>
      (await harness.adapters.ledger.read())
        .slice(afterRollback)
        .filter((entry) => entry.body.actor !== SYSTEM_ACTOR);

    // The same bytes, sent again inside the five-minute window.
    for (const request of [...clicks, ramp]) {
      const replay = await send(request);
      expect(replay.status).toBe(401);
      expect(replay.body).toContain('already received');
    }
    expect(await peoplesEntries()).toEqual([]);

    // An approver clicking the card captured before the rollback, freshly signed by Slack.
    for (const [name, user] of APPROVERS) {
      const value = button(card, ACTION.approve, name);
      await sendCaptured((url) => buttonClick(user, ACTION.approve, value, where(card), url));
    }
    expect(await count('stale_card')).toBe(4);

    const state = await harness.state();
    expect(state).toMatchObject({ approvals: {}, trafficPct: 0, cursor: 0 });
    expect(state?.lock).toBeDefined();
    expect(await count('approval_recorded')).toBe(4);
    expect(await count('ramp_accepted')).toBe(1);
    expect(await harness.queues.ramp.getJobCounts('waiting', 'delayed', 'active')).toEqual({
      waiting: 0,
      delayed: 0,
      active: 0,
    });
    const flags = JSON.parse(await readFile(join(harness.workspace, 'meta/meta_flags.json'), 'utf8'));
    expect(flags.meta_prod).toEqual({ mode: 'shadow', weightPct: 0 });

    // The card as redrawn after the rollback carries the new nonce: approving on it counts again.
    await expect
      .poll(() => JSON.parse(button(latestDrawing(standIn, card), ACTION.approve, 'Governance Lead')).n, {
        timeout: 10_000,
      })
      .toBe(1);
    const redrawn = latestDrawing(standIn, card);
    for (const [name, user] of APPROVERS) {
      const value = button(redrawn, ACTION.approve, name);
      await sendCaptured((url) => buttonClick(user, ACTION.approve, value, where(card), url));
    }
    const approved = await harness.waitForState((candidate) => Object.keys(candidate.approvals).length === 4);
    expect(approved.lock).toBeUndefined();
  });
});
