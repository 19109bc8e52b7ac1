import { beforeEach, describe, expect, it } from 'vitest';
import { ACTION, actionIdOf, REJECT_INPUT, VIEW } from '../../../../src/adapters/slack/ids.js';
import type { SlackApiStandIn } from '../../../../src/sandbox/slack-api-stand-in.js';
import { alertPayload, postAlert } from '../../../support/alertmanager.js';
import { ALERT_TOKEN, type JobsHarness, toReady, useJobsHarness } from '../../../support/jobs-harness.js';
import { useTestRedis } from '../../../support/redis.js';
import { button, latestDrawing, textOf, where } from '../../../support/slack-find.js';
import { PEOPLE } from '../../../support/slack-harness.js';
import { buttonClick, postForm, viewSubmission } from '../../../support/slack-requests.js';

const testRedis = useTestRedis();

const current = useJobsHarness(testRedis);
let harness: JobsHarness;
let standIn: SlackApiStandIn;
beforeEach(() => {
  ({ harness, standIn } = current());
});

async function soakingAt5() {
  await toReady(harness, standIn);
  await harness.command(PEOPLE.releaseManager, 'ramp 5');
  return harness.waitForState((state) => state.soak?.status === 'running');
}

const eventsUrl = () => harness.webhookUrl.replace('/alerts/alertmanager', '/slack/events');

describe('Acknowledge on an incident notice', () => {
  it('records who acknowledged and when, updates the notice, and refuses someone not permitted', async () => {
    await soakingAt5();
    await postAlert(
      harness.webhookUrl,
      alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }),
      ALERT_TOKEN,
    );
    const notice = await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === 'C0INCIDENT1',
      10_000,
    );
    const ackValue = button(notice, ACTION.acknowledge);
    const denied = await harness.click(PEOPLE.product, ACTION.acknowledge, ackValue, where(notice));
    expect(String(denied.args.text)).toContain('not_permitted');
    const acked = await harness.click(PEOPLE.sre, ACTION.acknowledge, ackValue, where(notice));
    expect(String(acked.args.text)).toContain('Acknowledged latency_slo_drop');
    const entries = await harness.adapters.ledger.read();
    expect(
      entries
        .filter((entry) => entry.body.action === 'acknowledge')
        .map((entry) => `${entry.body.actor}:${entry.body.reason}`),
    ).toEqual([`${PEOPLE.product}:not_permitted`, `${PEOPLE.sre}:incident_acknowledged`]);
    await expect
      .poll(() => textOf(latestDrawing(standIn, notice)), { timeout: 10_000 })
      .toContain(`Acknowledged by <@${PEOPLE.sre}>`);
  });

  it('refuses a button value mec-bot did not draw, changing nothing', async () => {
    const notice = { channel: 'C0INCIDENT1', ts: '1.1' };
    const reply = await harness.click(PEOPLE.sre, ACTION.acknowledge, '{"i":"not-an-incident"}', notice);
    expect(String(reply.args.text)).toContain('That button was not drawn by mec-bot.');
    expect(await harness.adapters.ledger.read()).toEqual([]);
  });
});

describe('Override on a CRITICAL gate', () => {
  it('closes on an override with a reason given in a modal, by a permitted role, recorded in the ledger', async () => {
    await toReady(harness, standIn);
    await postAlert(
      harness.webhookUrl,
      alertPayload({ alarm: 'determinism_variance', severity: 'CRITICAL' }),
      ALERT_TOKEN,
    );
    const notice = await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === 'C0INCIDENT1',
      10_000,
    );
    // Someone no role permits to override gets a private refusal, and no modal.
    for (const [user, id] of [
      [PEOPLE.releaseManager, 'o-rm'],
      [PEOPLE.outsider, 'o-out'],
    ] as const) {
      await postForm(
        eventsUrl(),
        buttonClick(
          user,
          ACTION.override,
          button(notice, ACTION.override),
          where(notice),
          standIn.responseUrl(id),
        ),
      );
      const refusal = await standIn.waitFor(
        (call) => call.method === 'response_url' && call.args.id === id,
        10_000,
      );
      expect(refusal.args.response_type).toBe('ephemeral');
      expect(textOf(refusal)).toContain('Ask someone who may override gates');
      expect(textOf(refusal)).toContain('it is granted to Governance Lead (<@U0AVERYCHEN>)');
    }
    expect(standIn.calls.filter((call) => call.method === 'views.open')).toEqual([]);
    // The Override button only opens the modal; there is no answer to wait for.
    const value = button(notice, ACTION.override);
    // Clicked as Slack sends it: with the button's own action_id, the gate's id after the base.
    const click = buttonClick(
      PEOPLE.governance,
      actionIdOf(ACTION.override, (JSON.parse(value) as { gate: string }).gate),
      value,
      where(notice),
      standIn.responseUrl('o'),
    );
    await postForm(eventsUrl(), click);
    const modal = await standIn.waitFor((call) => call.method === 'views.open', 10_000);
    expect(standIn.calls.filter((call) => call.method === 'views.open')).toHaveLength(1);
    const view = modal.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEW.overrideReason);
    const submit = (user: string, reason: string) =>
      postForm(
        eventsUrl(),
        viewSubmission(user, VIEW.overrideReason, view.private_metadata, {
          [REJECT_INPUT.block]: { [REJECT_INPUT.action]: { value: reason } },
        }),
      );
    await submit(PEOPLE.releaseManager, 'I want to ramp');
    await standIn.waitFor(
      (call) => call.method === 'chat.postEphemeral' && String(call.args.text).includes('not_permitted'),
      10_000,
    );
    await submit(PEOPLE.governance, 'known flake in the variance job, ticket GOV-42');
    await harness.waitForState((state) => !Object.hasOwn(state.gates, 'determinism_variance'));
    const overridden = (await harness.adapters.ledger.read()).find(
      (entry) => entry.body.reason === 'gate_overridden',
    );
    expect(overridden?.body).toMatchObject({
      actor: PEOPLE.governance,
      detail: { facts: { reason: 'known flake in the variance job, ticket GOV-42' } },
    });
    // The incident notes the override too: in the ledger, in its thread, and on its notice.
    const noted = `<@${PEOPLE.governance}> overrode the determinism_variance deployment gate: known flake in the variance job, ticket GOV-42`;
    const followUp = await standIn.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.thread_ts === notice.reply.ts,
      10_000,
    );
    expect(textOf(followUp)).toContain(noted);
    await expect
      .poll(() => textOf(latestDrawing(standIn, notice)), { timeout: 10_000 })
      .toContain(`Deployment gate overridden by <@${PEOPLE.governance}>: known flake`);
    expect(textOf(latestDrawing(standIn, notice))).not.toContain(ACTION.override);
    const onIncident = (await harness.adapters.ledger.read()).filter(
      (entry) => entry.body.action === 'override',
    );
    expect(onIncident.map((entry) => [entry.body.actor, entry.body.reason])).toEqual([
      [PEOPLE.governance, 'gate_overridden'],
    ]);
  });
  it('asks again for a reason that is empty or too long, recording nothing', async () => {
    const submit = (reason: string) =>
      postForm(
        eventsUrl(),
        viewSubmission(
          PEOPLE.governance,
          VIEW.overrideReason,
          JSON.stringify({ gate: 'determinism_variance' }),
          {
            [REJECT_INPUT.block]: { [REJECT_INPUT.action]: { value: reason } },
          },
        ),
      );
    for (const reason of ['   ', 'x'.repeat(501)]) {
      expect(JSON.parse((await submit(reason)).body)).toEqual({
        response_action: 'errors',
        errors: { [REJECT_INPUT.block]: 'Give a reason of 1 to 500 characters.' },
      });
    }
    expect(await harness.adapters.ledger.read()).toEqual([]);
  });
});
