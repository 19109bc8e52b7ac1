import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../../src/adapters/slack/ids.js';
import type { MecConfig } from '../../../../src/config/config-schema.js';
import { SlackApiStandIn } from '../../../../src/sandbox/slack-api-stand-in.js';
import { type TestRedis, useTestRedis } from '../../../support/redis.js';
import { button, goNoGoCardPost, where } from '../../../support/slack-find.js';
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
let redis: TestRedis;

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  redis = testRedis();
  harness = await startSlackHarness(standIn, redis);
});

afterEach(async () => {
  expectWithinSlackLimits(standIn.calls);
  await harness.close();
  await standIn.stop();
});

const ephemeralText = (body: string) => JSON.parse(body) as { text: string; response_type: string };

async function ledgerReasons() {
  return (await harness.adapters.ledger.read()).map((entry) => `${entry.body.actor}:${entry.body.reason}`);
}

describe('/mec review and /mec approvals from someone with no role', () => {
  it.each(['review', 'approvals'])(
    'answers /mec %s privately and posts nothing to the channel',
    async (verb) => {
      await harness.commandAndWait(PEOPLE.releaseManager, 'start');
      const posted = () => standIn.calls.filter((call) => call.method === 'chat.postMessage').length;
      const before = posted();
      const reply = await harness.commandAndWait(PEOPLE.outsider, verb);
      expect(reply.args.response_type).toBe('ephemeral');
      expect(String(reply.args.text)).toContain('Only people who hold a role');
      // A later command's answer comes after anything the first could have posted.
      await harness.commandAndWait(PEOPLE.outsider, 'help');
      expect(posted()).toBe(before);
      expect((await ledgerReasons()).filter((reason) => reason.startsWith(PEOPLE.outsider))).toEqual([]);
    },
  );
});

describe('/mec grammar', () => {
  it('lists every verb with an example on help', async () => {
    const { status, responseId } = await harness.command(PEOPLE.outsider, 'help');
    expect(status).toBe(200);
    const reply = await harness.responses(responseId);
    for (const verb of [
      'status',
      'start',
      'preflight',
      'smoke',
      'go',
      'nogo',
      'approvals',
      'ramp',
      'pause',
      'resume',
      'rollback',
      'ledger',
      'verify',
    ]) {
      expect(String(reply.args.text) + JSON.stringify(reply.args.blocks)).toContain(`/mec ${verb}`);
    }
    expect(reply.args.response_type).toBe('ephemeral');
  });

  it.each([
    ['an unknown verb', 'deploy now', 'is not a /mec command'],
    ['a weight that is not a plan step', 'ramp 33', '33% is not a step of the plan'],
    ['a word for a weight', 'ramp abc', 'is not a percentage'],
    ['a negative weight', 'ramp -5', 'is not a percentage'],
    ['extra arguments', 'status please', 'takes no arguments'],
    ['text of several kilobytes', `rollback ${'z'.repeat(6_000)}`, 'at most 500'],
    ['a mention', 'rollback <@U0PRIYANAT|priya>', 'Mentions'],
    ['control characters', 'pause \u0007\u0008', 'control characters'],
  ])(
    'answers %s with an ephemeral error that shows the valid form, and changes nothing',
    async (_what, text, error) => {
      const { status, body } = await harness.command(PEOPLE.releaseManager, text);
      expect(status).toBe(200);
      const reply = ephemeralText(body);
      expect(reply.response_type).toBe('ephemeral');
      expect(reply.text).toContain(error);
      expect(reply.text).toContain('Valid form: `/mec');
      expect(await harness.adapters.ledger.read()).toEqual([]);
      expect(standIn.callsOf('chat.postMessage')).toEqual([]);
    },
  );

  it('reads "ramp 25%" and "ramp 25" the same way', async () => {
    // The start is committed after the ack: the dry runs must not race it, so wait for its answer.
    const started = await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    expect(String(started.args.text)).toContain('rollout started');
    const [withSign, without] = [
      await harness.command(PEOPLE.releaseManager, 'ramp 25% --dry-run'),
      await harness.command(PEOPLE.releaseManager, 'ramp 25 --dry-run'),
    ];
    const [a, b] = [
      await harness.responses(withSign.responseId),
      await harness.responses(without.responseId),
    ];
    expect(a.args.text).toBe(b.args.text);
    expect(String(a.args.text)).toContain('A ramp to 25% would be refused');
  });

  it('acknowledges before the slow work: the HTTP answer comes while Slack calls are still held', async () => {
    const release = standIn.hold('chat.postMessage');
    const reply = await harness.command(PEOPLE.releaseManager, 'start');
    expect(reply.status).toBe(200);
    expect(standIn.callsOf('chat.postMessage')).toEqual([]);
    release();
    const parent = await standIn.waitFor((call) => call.method === 'chat.postMessage');
    expect(parent.args.channel).toBe('C0RELEASE01');
    expect(String((await harness.responses(reply.responseId)).args.text)).toContain('rollout started');
  });
});

describe('permissions', () => {
  it('refuses what config does not grant, and records who asked', async () => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    const { responseId } = await harness.command(PEOPLE.outsider, 'pause');
    expect(String((await harness.responses(responseId)).args.text)).toContain('not_permitted');
    const { responseId: startId } = await harness.command(PEOPLE.governance, 'abort testing');
    expect(String((await harness.responses(startId)).args.text)).toContain('not_permitted');
    expect(await ledgerReasons()).toEqual(
      expect.arrayContaining([`${PEOPLE.outsider}:not_permitted`, `${PEOPLE.governance}:not_permitted`]),
    );
  });
});

describe('the go/no-go, for someone who holds both roles', () => {
  // The SRE backup is made Governance Lead as well.
  const bothRoles = (config: MecConfig) => ({
    ...config,
    // A zero-length smoke: the test plays the check workers itself.
    smoke: { duration: 0 },
    roles: config.roles.map((role) =>
      role.id === 'governance_lead' ? { ...role, users: [...role.users, PEOPLE.sreBackup] } : role,
    ),
  });

  it('decides for the role still open, is refused and recorded for the second, and a second person completes it', async () => {
    const dual = await startSlackHarness(standIn, redis, { configure: bothRoles });
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

      const card = await goNoGoCardPost(standIn);
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
