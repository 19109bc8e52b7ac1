import { ACTION } from '../../../src/adapters/slack/ids.js';
import type { RecordedCall, SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { approvalCardPost, button, where } from '../../../test/support/slack-find.js';
import { buttonClick, commandFields, postForm } from '../../../test/support/slack-requests.js';

/** The example config's people (test/support/slack-harness.ts names them too). */
export const PEOPLE = {
  governance: 'U0AVERYCHEN',
  sre: 'U0PRIYANAT',
  security: 'U0MALIKORT',
  product: 'U0ELENAMOR',
  releaseManager: 'U0RELEASEMGR',
} as const;

let sent = 0;

/** Drives a bot process through its /slack/events, as a person in Slack would, one answer at a time. */
export function slackDriver(eventsUrl: string, standIn: SlackApiStandIn) {
  const answer = (id: string) =>
    standIn.waitFor((call) => call.method === 'response_url' && call.args.id === id, 30_000);
  return {
    async command(userId: string, text: string): Promise<RecordedCall> {
      const id = `edge-setup-${++sent}`;
      await postForm(eventsUrl, commandFields(text, userId, standIn.responseUrl(id)));
      return answer(id);
    },
    async click(userId: string, actionId: string, value: string, message: { channel: string; ts: string }) {
      const id = `edge-setup-${++sent}`;
      await postForm(eventsUrl, buttonClick(userId, actionId, value, message, standIn.responseUrl(id)));
      return answer(id);
    },
  };
}

/**
 * Brings the rollout to where a ramp is decided on its gates: started, checks and smoke passed, the joint
 * go and the four approvals recorded, traffic still at 0. `smokePassed` polls the stored rollout.
 */
export async function readyRollout(
  driver: ReturnType<typeof slackDriver>,
  standIn: SlackApiStandIn,
  smokePassed: () => Promise<boolean>,
): Promise<void> {
  const started = String((await driver.command(PEOPLE.releaseManager, 'start')).args.text);
  if (!started.includes('rollout started')) throw new Error(`start was not accepted: ${started}`);
  const deadline = Date.now() + 30_000;
  while (!(await smokePassed())) {
    if (Date.now() > deadline) throw new Error('the smoke never passed');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await driver.command(PEOPLE.governance, 'go');
  await driver.command(PEOPLE.sre, 'go');
  const card = await approvalCardPost(standIn);
  for (const [name, user] of [
    ['Governance Lead', PEOPLE.governance],
    ['SRE On-Call', PEOPLE.sre],
    ['Security Officer', PEOPLE.security],
    ['Product Owner', PEOPLE.product],
  ] as const) {
    await driver.click(user, ACTION.approve, button(card, ACTION.approve, name), where(card));
  }
}
