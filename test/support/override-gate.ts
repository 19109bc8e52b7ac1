import { expect } from 'vitest';
import { ACTION, REJECT_INPUT, VIEW } from '../../src/adapters/slack/ids.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import type { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import type { JobsHarness } from './jobs-harness.js';
import { button, latestDrawing, type parentPost, textOf, where } from './slack-find.js';
import { PEOPLE } from './slack-harness.js';
import { buttonClick, postForm, viewSubmission } from './slack-requests.js';

/**
 * The Governance Lead clicks Override `gate` on the rollout message as last drawn, gives `reason`, and
 * waits until the gate is no longer open.
 */
export async function overrideOnMessage(
  bot: JobsHarness,
  standIn: SlackApiStandIn,
  parent: Awaited<ReturnType<typeof parentPost>>,
  gate: string,
  reason: string,
): Promise<RolloutState> {
  const eventsUrl = bot.webhookUrl.replace('/alerts/alertmanager', '/slack/events');
  const since = standIn.calls.length;
  // The redraw that shows the gate can trail the state, e.g. behind Slack's chat.update limit.
  await expect
    .poll(() => textOf(latestDrawing(standIn, parent)), { timeout: 10_000 })
    .toContain(`Override ${gate}`);
  const drawing = latestDrawing(standIn, parent);
  await postForm(
    eventsUrl,
    buttonClick(
      PEOPLE.governance,
      ACTION.override,
      button(drawing, ACTION.override, gate),
      where(parent),
      standIn.responseUrl(`override-${since}`),
    ),
  );
  const modal = await standIn.waitFor((call) => call.method === 'views.open', 10_000, since);
  const view = modal.args.view as { private_metadata: string };
  await postForm(
    eventsUrl,
    viewSubmission(PEOPLE.governance, VIEW.overrideReason, view.private_metadata, {
      [REJECT_INPUT.block]: { [REJECT_INPUT.action]: { value: reason } },
    }),
  );
  return bot.waitForState((state) => !Object.hasOwn(state.gates, gate));
}
