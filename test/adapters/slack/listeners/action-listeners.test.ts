import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { artifactRootOf } from '../../../../src/adapters/files/workspace-artifacts.js';
import { ACTION, actionIdOf, REJECT_INPUT, VIEW } from '../../../../src/adapters/slack/ids.js';
import type { MecConfig } from '../../../../src/config/config-schema.js';
import { SlackApiStandIn } from '../../../../src/sandbox/slack-api-stand-in.js';
import { useTestRedis } from '../../../support/redis.js';
import {
  approvalCardPost,
  button,
  buttonForRole,
  goNoGoCardPost,
  latestDrawing,
  latestUpdate,
  parentPost,
  textOf,
  where,
} from '../../../support/slack-find.js';
import {
  expectWithinSlackLimits,
  PEOPLE,
  passChecks,
  type SlackHarness,
  startSlackHarness,
} from '../../../support/slack-harness.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
let harness: SlackHarness;
// A zero-length smoke: the go/no-go tests play the check workers themselves.
const configure = (config: MecConfig) => ({ ...config, smoke: { duration: 0 } });

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  harness = await startSlackHarness(standIn, testRedis(), { configure });
});

afterEach(async () => {
  expectWithinSlackLimits(standIn.calls);
  await harness.close();
  await standIn.stop();
});

const APPROVERS = [
  ['governance_lead', 'Governance Lead', PEOPLE.governance],
  ['sre_oncall', 'SRE On-Call', PEOPLE.sre],
  ['security_officer', 'Security Officer', PEOPLE.security],
  ['product_owner', 'Product Owner', PEOPLE.product],
] as const;

async function startedWithCard() {
  await harness.commandAndWait(PEOPLE.releaseManager, 'start');
  const parent = await parentPost(standIn);
  await harness.commandAndWait(PEOPLE.releaseManager, 'approvals');
  const card = await approvalCardPost(standIn);
  return { parent, card };
}

async function ledgerReasons() {
  return (await harness.adapters.ledger.read()).map((entry) => `${entry.body.actor}:${entry.body.reason}`);
}

describe('the approval card', () => {
  it('has one button per required role, names the artifact root, and sits in the parent thread', async () => {
    const { parent, card } = await startedWithCard();
    const { root } = await artifactRootOf(harness.workspace, harness.config.artifacts.files);
    expect(textOf(card)).toContain(root);
    for (const [, name] of APPROVERS) expect(button(card, ACTION.approve, `Approve as ${name}`)).toBeTruthy();
    expect(card.args).toMatchObject({ thread_ts: parent.reply.ts, reply_broadcast: 'true' });
  });

  it('records four approvals by four distinct people, with digests in full in the ledger and thread, abbreviated on the card', async () => {
    const { parent, card } = await startedWithCard();
    const { root } = await artifactRootOf(harness.workspace, harness.config.artifacts.files);
    for (const [roleId, name, userId] of APPROVERS) {
      const { responseId } = await harness.click(
        userId,
        ACTION.approve,
        button(card, ACTION.approve, name),
        where(card),
      );
      expect(String((await harness.responses(responseId)).args.text)).toContain(`${name} approved`);
      const entry = (await harness.adapters.ledger.read()).findLast(
        (candidate) => candidate.body.reason === 'approval_recorded',
      );
      if (!entry) throw new Error('no approval in the ledger');
      const facts = (entry.body.detail as { facts: { signedAt: string; digest: string } }).facts;
      const byHand = createHash('sha256').update(`M6:${roleId}:${facts.signedAt}:${root}`).digest('hex');
      expect(entry.body.actor).toBe(userId);
      expect(facts.digest).toBe(byHand);
      const updatedCard = latestUpdate(standIn, String(card.reply.ts));
      expect(textOf(updatedCard ?? card)).toContain(`${byHand.slice(0, 12)}…`);
      expect(textOf(updatedCard ?? card)).not.toContain(byHand);
      const threadReply = await standIn.waitFor(
        (call) =>
          call.method === 'chat.postMessage' &&
          call.args.thread_ts === parent.reply.ts &&
          textOf(call).includes(byHand),
      );
      expect(threadReply).toBeDefined();
    }
    const state = (await harness.adapters.store.load('M6')).state;
    expect(Object.keys(state?.approvals ?? {}).sort()).toEqual(APPROVERS.map(([roleId]) => roleId).sort());
    const redrawn = latestUpdate(standIn, String(parent.reply.ts));
    expect(textOf(redrawn ?? parent)).toContain('5. Approvals* (4/4)');
  });

  it('refuses a click by someone outside the role, ephemerally, and records the denial', async () => {
    const { card } = await startedWithCard();
    const { responseId } = await harness.click(
      PEOPLE.security,
      ACTION.approve,
      button(card, ACTION.approve, 'Governance Lead'),
      where(card),
    );
    const reply = await harness.responses(responseId);
    expect(reply.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply.args.text)).toContain('is not Governance Lead');
    expect(await ledgerReasons()).toContain(`${PEOPLE.security}:not_role_member`);
    expect((await harness.adapters.store.load('M6')).state?.approvals).toEqual({});
  });

  it('records a double click once', async () => {
    const { card } = await startedWithCard();
    const value = button(card, ACTION.approve, 'Governance Lead');
    const clicks = await Promise.all(
      [1, 2, 3].map(() => harness.click(PEOPLE.governance, ACTION.approve, value, where(card))),
    );
    await Promise.all(clicks.map(({ responseId }) => harness.responses(responseId)));
    expect((await ledgerReasons()).filter((reason) => reason.endsWith(':approval_recorded'))).toHaveLength(1);
  });

  it('shows every approval on the card when several people click at the same moment', async () => {
    const { card } = await startedWithCard();
    const replies = await Promise.all(
      APPROVERS.map(([, name, userId]) =>
        harness.clickAndWait(userId, ACTION.approve, button(card, ACTION.approve, name), where(card)),
      ),
    );
    expect(replies.every((reply) => String(reply.args.text).includes('approved'))).toBe(true);
    const last = latestUpdate(standIn, String(card.reply.ts));
    for (const [roleId] of APPROVERS) {
      const digest = (await harness.adapters.store.load('M6')).state?.approvals[roleId]?.digest ?? '';
      expect(textOf(last ?? card)).toContain(`${digest.slice(0, 12)}…`);
    }
    expect(textOf(last ?? card)).not.toContain(ACTION.approve);
  });

  it('redraws the card after a rejection, and lets a role that approved reject', async () => {
    const { card } = await startedWithCard();
    await harness.clickAndWait(
      PEOPLE.governance,
      ACTION.approve,
      button(card, ACTION.approve, 'Governance Lead'),
      where(card),
    );
    const approved = latestUpdate(standIn, String(card.reply.ts));
    await harness.click(
      PEOPLE.governance,
      ACTION.reject,
      buttonForRole(approved ?? card, ACTION.reject, 'governance_lead'),
      where(card),
    );
    const modal = await standIn.waitFor((call) => call.method === 'views.open');
    const view = modal.args.view as { private_metadata: string };
    await harness.submitView(PEOPLE.governance, VIEW.rejectReason, view.private_metadata, {
      [REJECT_INPUT.block]: {
        [REJECT_INPUT.action]: { value: 'second thoughts <!channel> <https://evil.example|cve>' },
      },
    });
    await standIn.waitFor((call) => call.method === 'chat.postEphemeral');
    const state = (await harness.adapters.store.load('M6')).state;
    // Kept as typed; escaped only where it is shown.
    expect(state?.rejection?.reason).toBe('second thoughts <!channel> <https://evil.example|cve>');
    const redrawn = latestUpdate(standIn, String(card.reply.ts));
    expect(textOf(redrawn ?? card)).toContain('Approve as Governance Lead');
    const posted = standIn.calls.filter((call) => call.method.startsWith('chat.'));
    expect(posted.some((call) => JSON.stringify(call.args).includes('<!channel>'))).toBe(false);
  });

  it('records a retried request once', async () => {
    const { card } = await startedWithCard();
    const value = button(card, ACTION.approve, 'SRE On-Call');
    await harness.clickAndWait(PEOPLE.sre, ACTION.approve, value, where(card));
    const retry = await harness.clickAndWait(PEOPLE.sre, ACTION.approve, value, where(card));
    expect(String(retry.args.text)).toContain('already approved');
    expect((await ledgerReasons()).filter((reason) => reason.endsWith(':approval_recorded'))).toHaveLength(1);
  });

  it('opens a modal for a rejection reason, and refuses an empty reason', async () => {
    const { card } = await startedWithCard();
    await harness.click(
      PEOPLE.security,
      ACTION.reject,
      buttonForRole(card, ACTION.reject, 'security_officer'),
      where(card),
    );
    const modal = await standIn.waitFor((call) => call.method === 'views.open');
    const view = modal.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEW.rejectReason);
    const empty = await harness.submitView(PEOPLE.security, VIEW.rejectReason, view.private_metadata, {
      [REJECT_INPUT.block]: { [REJECT_INPUT.action]: { value: '  ' } },
    });
    expect(JSON.parse(empty.body)).toMatchObject({ response_action: 'errors' });
    expect((await harness.adapters.store.load('M6')).state?.rejection).toBeUndefined();
  });

  it('refuses a Reject click by someone outside the role without opening the modal, and records it', async () => {
    const { card } = await startedWithCard();
    const { responseId } = await harness.click(
      PEOPLE.outsider,
      ACTION.reject,
      button(card, ACTION.reject),
      where(card),
    );
    expect(String((await harness.responses(responseId)).args.text)).toContain('not_role_member');
    expect(standIn.callsOf('views.open')).toEqual([]);
    expect(await ledgerReasons()).toContain(`${PEOPLE.outsider}:not_role_member`);
  });
});

describe('the rollout message', () => {
  it('answers a click on a stale drawing with the current state, and changes nothing', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    const parent = await parentPost(standIn);
    const pause = button(parent, ACTION.pause);
    await harness.commandAndWait(PEOPLE.releaseManager, 'approvals');
    const card = await approvalCardPost(standIn);
    await harness.clickAndWait(
      PEOPLE.governance,
      ACTION.approve,
      button(card, ACTION.approve, 'Governance Lead'),
      where(card),
    );
    const before = await harness.adapters.ledger.read();
    const { responseId } = await harness.click(PEOPLE.releaseManager, ACTION.pause, pause, where(parent));
    const reply = await harness.responses(responseId);
    expect(String(reply.args.text)).toContain('That message was out of date, so nothing was done');
    expect(String(reply.args.text)).toContain('The rollout is now at');
    expect((await harness.adapters.store.load('M6')).state?.paused).toBeUndefined();
    expect(await harness.adapters.ledger.read()).toEqual(before);
  });

  it('acts on a click on the current drawing', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    const parent = await parentPost(standIn);
    const current = latestDrawing(standIn, parent);
    const { responseId } = await harness.click(
      PEOPLE.releaseManager,
      ACTION.pause,
      button(current, ACTION.pause),
      where(parent),
    );
    expect(String((await harness.responses(responseId)).args.text)).toContain('Rollout paused');
    expect((await harness.adapters.store.load('M6')).state?.paused?.by).toBe(PEOPLE.releaseManager);
    const redrawn = await standIn.waitFor(
      (call) =>
        call.method === 'chat.update' &&
        call.args.ts === parent.reply.ts &&
        textOf(call).includes('mec_resume'),
    );
    expect(textOf(redrawn)).not.toContain('mec_pause');
  });
});

describe('the go/no-go card', () => {
  it('is posted in the thread once the smoke passes, for the Governance Lead and SRE On-Call', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    const parent = await parentPost(standIn);
    await passChecks(harness);
    const card = await goNoGoCardPost(standIn);
    expect(card.args).toMatchObject({ thread_ts: parent.reply.ts, reply_broadcast: 'true' });
    expect(textOf(card)).toContain('Governance Lead and SRE On-Call');
    expect(button(card, ACTION.goNoGo, 'No-go')).toBeTruthy();
  });

  it('takes the joint go from both roles on the same card, then drops its buttons and posts the approval card', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    await passChecks(harness);
    const card = await goNoGoCardPost(standIn);
    // Clicked as Slack sends it: with the Go button's own action_id.
    await harness.clickAndWait(
      PEOPLE.governance,
      actionIdOf(ACTION.goNoGo, 'go'),
      button(card, ACTION.goNoGo, 'Go'),
      where(card),
    );
    const second = await harness.clickAndWait(
      PEOPLE.sre,
      actionIdOf(ACTION.goNoGo, 'go'),
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
    await passChecks(harness);
    const card = await goNoGoCardPost(standIn);
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
    await passChecks(harness);
    const card = await goNoGoCardPost(standIn);
    const reply = await harness.clickAndWait(
      PEOPLE.product,
      ACTION.goNoGo,
      button(card, ACTION.goNoGo, 'Go'),
      where(card),
    );
    expect(String(reply.args.text)).toContain('not_role_member');
    // It leads with what to do, and names every role that decides with the people holding each.
    const [first] = reply.args.blocks as Array<{ text: { text: string } }>;
    const [lead, why] = String(first?.text.text).split('\nRefused: ');
    expect(lead).toMatch(/^👉 \*Ask a member of that role/);
    expect(why).toContain(
      `The go/no-go is decided by Governance Lead (<@${PEOPLE.governance}>) and SRE On-Call (<@${PEOPLE.sre}>, <@${PEOPLE.sreBackup}>).`,
    );
    const last = (await harness.adapters.ledger.read()).at(-1);
    expect(last?.body).toMatchObject({ actor: PEOPLE.product, outcome: 'refused' });
  });
});
