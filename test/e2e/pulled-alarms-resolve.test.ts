import { beforeEach, describe, expect, it } from 'vitest';
import type { RecordedCall, SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { type JobsHarness, toReady, useJobsHarness } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { latestDrawing, textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();
const INCIDENT_CHANNEL = 'C0INCIDENT1';

const current = useJobsHarness(testRedis);
let harness: JobsHarness;
let standIn: SlackApiStandIn;
beforeEach(() => {
  ({ harness, standIn } = current());
});

const isNotice = (call: RecordedCall) =>
  call.method === 'chat.postMessage' && call.args.channel === INCIDENT_CHANNEL && !call.args.thread_ts;

async function soakingAt5() {
  await toReady(harness, standIn);
  await harness.command(PEOPLE.releaseManager, 'ramp 5');
  await harness.waitForState((state) => state.soak?.status === 'running');
}

/** Where the incident the bot's own soak evaluation opened for `alarm` stands, from the ledger. */
async function pulledIncident(alarm: string) {
  const entries = await harness.adapters.ledger.read();
  const incidentOf = (entry: (typeof entries)[number]) =>
    (entry.body.detail as { incident?: string } | null)?.incident;
  const opened = entries.find(
    (entry) => entry.body.reason === 'incident_opened' && JSON.stringify(entry.body.after).includes(alarm),
  );
  if (!opened) return undefined;
  const id = incidentOf(opened);
  const resolved = entries.some(
    (entry) => entry.body.reason === 'incident_resolved' && incidentOf(entry) === id,
  );
  return { id, resolved };
}

describe("an incident raised by the bot's own evaluation (a pulled alarm)", () => {
  it('resolves once the BLOCKER value clears after the rollback, and its notice says Resolved', async () => {
    await soakingAt5();
    await harness.samples.inject('latency_slo_drop', 0.042);
    await harness.waitForState((state) => state.lock !== undefined && state.trafficPct === 0);
    const notice = await standIn.waitFor(isNotice, 20_000);
    expect(textOf(notice)).toContain('latency_slo_drop');
    // The soak is over, rolled back; the value still breaches, so the incident stays open.
    await expect.poll(async () => (await pulledIncident('latency_slo_drop'))?.id).toBeDefined();
    expect((await pulledIncident('latency_slo_drop'))?.resolved).toBe(false);
    expect(textOf(latestDrawing(standIn, notice))).toContain('Still firing');

    await harness.samples.inject('latency_slo_drop', 0.01);
    await expect
      .poll(async () => (await pulledIncident('latency_slo_drop'))?.resolved, { timeout: 20_000 })
      .toBe(true);
    await expect
      .poll(() => textOf(latestDrawing(standIn, notice)), { timeout: 20_000 })
      .toMatch(/Resolved at \d\d:\d\d:\d\d UTC/);
    expect(textOf(latestDrawing(standIn, notice))).not.toContain('Still firing');
    const said = await standIn.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.thread_ts === notice.reply.ts &&
        String(call.args.text).includes('resolved'),
      20_000,
    );
    expect(String(said.args.text)).toContain("mec-bot's own evaluation reads 0.01");
  }, 120_000);

  it('closes the CRITICAL gate and resolves its incident once the value clears', async () => {
    await soakingAt5();
    await harness.samples.inject('determinism_variance', 0.11);
    await harness.waitForState((state) => Object.hasOwn(state.gates, 'determinism_variance'));
    await harness.samples.inject('determinism_variance', 0.01);
    const closed = await harness.waitForState((state) => !Object.hasOwn(state.gates, 'determinism_variance'));
    expect(closed.trafficPct).toBe(5);
    await expect
      .poll(async () => (await pulledIncident('determinism_variance'))?.resolved, { timeout: 20_000 })
      .toBe(true);
  }, 120_000);
});
