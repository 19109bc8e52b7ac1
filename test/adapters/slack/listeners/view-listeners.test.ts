import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION, REJECT_INPUT, VIEW } from '../../../../src/adapters/slack/ids.js';
import { SlackApiStandIn } from '../../../../src/sandbox/slack-api-stand-in.js';
import { useTestRedis } from '../../../support/redis.js';
import {
  approvalCardPost,
  button,
  buttonForRole,
  parentPost,
  textOf,
  where,
} from '../../../support/slack-find.js';
import {
  expectWithinSlackLimits,
  PEOPLE,
  type SlackHarness,
  startSlackHarness,
} from '../../../support/slack-harness.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
let harness: SlackHarness;

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  harness = await startSlackHarness(standIn, testRedis());
});

afterEach(async () => {
  expectWithinSlackLimits(standIn.calls);
  await harness.close();
  await standIn.stop();
});

async function startedWithCard() {
  await harness.commandAndWait(PEOPLE.releaseManager, 'start');
  const parent = await parentPost(standIn);
  await harness.commandAndWait(PEOPLE.releaseManager, 'approvals');
  const card = await approvalCardPost(standIn);
  return { parent, card };
}

describe('the reject modal', () => {
  it('records a rejection from the modal, voiding approvals and holding ramps until they are renewed', async () => {
    const { card } = await startedWithCard();
    await harness.clickAndWait(
      PEOPLE.governance,
      ACTION.approve,
      button(card, ACTION.approve, 'Governance Lead'),
      where(card),
    );
    await harness.click(
      PEOPLE.security,
      ACTION.reject,
      buttonForRole(card, ACTION.reject, 'security_officer'),
      where(card),
    );
    const modal = await standIn.waitFor((call) => call.method === 'views.open');
    const view = modal.args.view as { private_metadata: string };
    const submitted = await harness.submitView(PEOPLE.security, VIEW.rejectReason, view.private_metadata, {
      [REJECT_INPUT.block]: { [REJECT_INPUT.action]: { value: 'CVE-2025-1234 is open' } },
    });
    expect(submitted.status).toBe(200);
    await standIn.waitFor(
      (call) =>
        call.method === 'chat.postEphemeral' && String(call.args.text).includes('rejected the release'),
    );
    const state = (await harness.adapters.store.load('M6')).state;
    expect(state?.rejection).toMatchObject({ roleId: 'security_officer', reason: 'CVE-2025-1234 is open' });
    expect(state?.approvals).toEqual({});
    const { responseId } = await harness.command(PEOPLE.releaseManager, 'ramp 5 --dry-run');
    const dryRun = await harness.responses(responseId);
    expect(textOf(dryRun)).toContain('rejected the release');
  });
});

describe('App Home', () => {
  it('publishes the dashboard when someone opens it, and again after each transition', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    await parentPost(standIn);
    await harness.event({
      type: 'app_home_opened',
      user: PEOPLE.governance,
      channel: 'D0HOME',
      tab: 'home',
      event_ts: '1',
    });
    const first = await standIn.waitFor(
      (call) => call.method === 'views.publish' && call.args.user_id === PEOPLE.governance,
    );
    expect(textOf(first)).toContain('1. Pre-Flight Validation');
    const since = standIn.calls.length;
    const { responseId } = await harness.command(PEOPLE.releaseManager, 'pause');
    await harness.responses(responseId);
    await standIn.waitFor(
      (call) => call.method === 'views.publish' && textOf(call).includes('paused'),
      5_000,
      since,
    );
  });

  it('ignores the messages tab', async () => {
    await harness.event({
      type: 'app_home_opened',
      user: PEOPLE.governance,
      channel: 'D0HOME',
      tab: 'messages',
      event_ts: '1',
    });
    await harness.event({
      type: 'app_home_opened',
      user: PEOPLE.sre,
      channel: 'D0HOME',
      tab: 'home',
      event_ts: '2',
    });
    await standIn.waitFor((call) => call.method === 'views.publish' && call.args.user_id === PEOPLE.sre);
    expect(standIn.callsOf('views.publish').map((call) => call.args.user_id)).toEqual([PEOPLE.sre]);
  });
});
