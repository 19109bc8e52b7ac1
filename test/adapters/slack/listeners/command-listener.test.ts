import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../../../../src/sandbox/slack-api-stand-in.js';
import { useTestRedis } from '../../../support/redis.js';
import {
  expectWithinSlackLimits,
  PEOPLE,
  type SlackHarness,
  startSlackHarness,
} from '../../../support/slack-harness.js';
import { commandFields, postForm } from '../../../support/slack-requests.js';

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

const ephemeralText = (body: string) => JSON.parse(body) as { text: string; response_type: string };

describe('the Bolt HTTP receiver', () => {
  it('answers 401 to a request with a forged signature, and does nothing', async () => {
    const fields = commandFields('start', PEOPLE.releaseManager, standIn.responseUrl('x'));
    const reply = await postForm(harness.url, fields, { secret: 'not-the-signing-secret' });
    expect(reply.status).toBe(401);
    expect(await harness.adapters.ledger.read()).toEqual([]);
    expect(standIn.callsOf('chat.postMessage')).toEqual([]);
  });

  it('answers 401 to a correctly signed request whose timestamp is older than 5 minutes', async () => {
    const fields = commandFields('start', PEOPLE.releaseManager, standIn.responseUrl('x'));
    const reply = await postForm(harness.url, fields, {
      timestampSec: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(reply.status).toBe(401);
    expect(await harness.adapters.ledger.read()).toEqual([]);
  });
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
