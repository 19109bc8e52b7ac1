import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../../src/adapters/slack/ids.js';
import { apply } from '../../../../src/app/rollout-context.js';
import type { MecConfig } from '../../../../src/config/config-schema.js';
import { CHECKS } from '../../../../src/domain/rollout-state.js';
import { SlackApiStandIn } from '../../../../src/sandbox/slack-api-stand-in.js';
import { type TestRedis, useTestRedis } from '../../../support/redis.js';
import {
  approvalCardPost,
  button,
  latestDrawing,
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
let redis: TestRedis;
// A zero-length smoke: the tests play the check workers themselves.
const configure = (config: MecConfig) => ({ ...config, smoke: { duration: 0 } });

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  redis = testRedis();
  harness = await startSlackHarness(standIn, redis, { configure });
});

afterEach(async () => {
  expectWithinSlackLimits(standIn.calls);
  await harness.close();
  await standIn.stop();
});

/** Reports each check as passed, as the check jobs would, echoing each run id. */
async function passChecks(target: SlackHarness = harness) {
  for (const check of CHECKS) {
    const { state } = await target.adapters.store.load('M6');
    const runId = state?.checks[check].runId ?? '';
    const result = await apply(target.bot.ctx, {
      type: 'check_finished',
      check,
      runId,
      passed: true,
      summary: `${check} ok`,
    });
    expect(result.outcome).toBe('applied');
  }
}

const goNoGoCard = () =>
  standIn.waitFor(
    (call) => call.method === 'chat.postMessage' && textOf(call).includes('record the joint go/no-go'),
  );

describe('the go/no-go card', () => {
  it('is posted in the thread once the smoke passes, for the Governance Lead and SRE On-Call', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    const parent = await parentPost(standIn);
    await passChecks();
    const card = await goNoGoCard();
    expect(card.args).toMatchObject({ thread_ts: parent.reply.ts, reply_broadcast: 'true' });
    expect(textOf(card)).toContain('Governance Lead and SRE On-Call');
    expect(button(card, ACTION.goNoGo, 'No-go')).toBeTruthy();
  });

  it('takes the joint go from both roles on the same card, then drops its buttons and posts the approval card', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    await passChecks();
    const card = await goNoGoCard();
    await harness.clickAndWait(
      PEOPLE.governance,
      ACTION.goNoGo,
      button(card, ACTION.goNoGo, 'Go'),
      where(card),
    );
    const second = await harness.clickAndWait(
      PEOPLE.sre,
      ACTION.goNoGo,
      button(card, ACTION.goNoGo, 'Go'),
      where(card),
    );
    expect(String(second.args.text)).toContain('Joint go recorded');
    await approvalCardPost(standIn);
    const redrawn = latestDrawing(standIn, card);
    expect(textOf(redrawn)).toContain('✅ go: SRE On-Call');
    expect(textOf(redrawn)).not.toContain(ACTION.goNoGo);
  });

  it('stops the rollout on a no-go', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    await passChecks();
    const card = await goNoGoCard();
    const reply = await harness.clickAndWait(
      PEOPLE.sre,
      ACTION.goNoGo,
      button(card, ACTION.goNoGo, 'No-go'),
      where(card),
    );
    expect(String(reply.args.text)).toContain('the rollout is stopped');
    expect((await harness.adapters.store.load('M6')).state?.status).toBe('stopped');
  });

  it('refuses a go from someone outside both roles, and records it', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    await passChecks();
    const card = await goNoGoCard();
    const reply = await harness.clickAndWait(
      PEOPLE.product,
      ACTION.goNoGo,
      button(card, ACTION.goNoGo, 'Go'),
      where(card),
    );
    expect(String(reply.args.text)).toContain('not_role_member');
    const last = (await harness.adapters.ledger.read()).at(-1);
    expect(last?.body).toMatchObject({ actor: PEOPLE.product, outcome: 'refused' });
  });
});

describe('the go/no-go, for someone who holds both roles', () => {
  // The SRE backup is made Governance Lead as well.
  const bothRoles = (config: MecConfig) => ({
    ...configure(config),
    roles: config.roles.map((role) =>
      role.id === 'governance_lead' ? { ...role, users: [...role.users, PEOPLE.sreBackup] } : role,
    ),
  });

  it('decides for the role still open, is refused and recorded for the second, and a second person completes it', async () => {
    const dual = await startSlackHarness(standIn, testRedis(), { configure: bothRoles });
    try {
      await dual.commandAndWait(PEOPLE.releaseManager, 'start');
      await passChecks(dual);
      const first = await dual.commandAndWait(PEOPLE.sreBackup, 'go');
      expect(String(first.args.text)).toContain('Go from Governance Lead');

      const second = await dual.commandAndWait(PEOPLE.sreBackup, 'go');
      expect(String(second.args.text)).toContain('approver_not_distinct');
      const refusal = (await dual.adapters.ledger.read()).at(-1);
      expect(refusal?.body).toMatchObject({
        actor: PEOPLE.sreBackup,
        outcome: 'refused',
        reason: 'approver_not_distinct',
      });

      const card = await goNoGoCard();
      const joint = await dual.clickAndWait(
        PEOPLE.sre,
        ACTION.goNoGo,
        button(card, ACTION.goNoGo, 'Go'),
        where(card),
      );
      expect(String(joint.args.text)).toContain('Joint go recorded');
      const { state } = await dual.adapters.store.load('M6');
      expect(state?.goNoGo).toMatchObject({
        governance_lead: { userId: PEOPLE.sreBackup, go: true },
        sre_oncall: { userId: PEOPLE.sre, go: true },
      });
    } finally {
      await dual.close();
    }
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

describe('one parent message, whichever process made the transition', () => {
  it('is redrawn by a second process that handled the click', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    const parent = await parentPost(standIn);
    // Another process: its own Bolt app, HTTP server and Redis connection, on the same Redis and workspace.
    const second = await startSlackHarness(standIn, redis, { configure, workspace: harness.workspace });
    try {
      const since = standIn.calls.length;
      const { responseId } = await second.command(PEOPLE.sre, 'pause');
      expect(String((await second.responses(responseId)).args.text)).toContain('Rollout paused');
      const redraw = await standIn.waitFor(
        (call) => call.method === 'chat.update' && call.args.ts === parent.reply.ts,
        5_000,
        since,
      );
      expect(textOf(redraw)).toContain('paused');
      expect(
        standIn.callsOf('chat.postMessage').filter((call) => call.args.thread_ts === undefined),
      ).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
