import { anyActionOf } from '../../src/adapters/slack/ids.js';
import type { RecordedCall, SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';

type Element = { action_id?: string; value?: string; text?: { text: string } };
type Block = { type: string; text?: { text: string }; elements?: Element[] };

const blocksOf = (call: RecordedCall) =>
  (call.args.blocks ?? (call.args.view as { blocks?: unknown } | undefined)?.blocks ?? []) as Block[];
export const textOf = (call: RecordedCall) => `${call.args.text ?? ''}\n${JSON.stringify(blocksOf(call))}`;

/** One button of a message, with its action id (or that id with a suffix, `mec_go_no_go.go`), label and value. */
export function button(call: RecordedCall, actionId: string, label?: string) {
  const buttons = blocksOf(call).flatMap((block) => block.elements ?? []);
  const found = buttons.find(
    (element) =>
      anyActionOf(actionId).test(element.action_id ?? '') && (!label || element.text?.text.includes(label)),
  );
  if (!found?.value)
    throw new Error(`no ${actionId} button${label ? ` labelled "${label}"` : ''} in ${textOf(call)}`);
  return found.value;
}

/** The button whose value names `role`, e.g. the Reject button of the Security Officer's row. */
export function buttonForRole(call: RecordedCall, actionId: string, role: string) {
  const buttons = blocksOf(call).flatMap((block) => block.elements ?? []);
  const found = buttons.find(
    (element) =>
      anyActionOf(actionId).test(element.action_id ?? '') &&
      (JSON.parse(element.value ?? '{}') as { role?: string }).role === role,
  );
  if (!found?.value) throw new Error(`no ${actionId} button for ${role} in ${textOf(call)}`);
  return found.value;
}

/** Where a posted message is, for a click on it. */
export const where = (post: RecordedCall) => ({
  channel: String(post.reply.channel),
  ts: String(post.reply.ts),
});

/** The rollout's parent message: the first top-level post in the release channel. */
export const parentPost = (standIn: SlackApiStandIn) =>
  standIn.waitFor((call) => call.method === 'chat.postMessage' && call.args.thread_ts === undefined);

/** The approval card, posted in the parent's thread and broadcast to the channel. */
export const approvalCardPost = (standIn: SlackApiStandIn) =>
  standIn.waitFor((call) => call.method === 'chat.postMessage' && textOf(call).includes('mec_approve'));

/** The go/no-go card, posted in the parent's thread once the smoke passed. */
export const goNoGoCardPost = (standIn: SlackApiStandIn) =>
  standIn.waitFor(
    (call) => call.method === 'chat.postMessage' && textOf(call).includes('record the joint go/no-go'),
  );

/** The latest update of a message. */
export const latestUpdate = (standIn: SlackApiStandIn, ts: string) =>
  standIn
    .callsOf('chat.update')
    .filter((call) => call.args.ts === ts)
    .at(-1);

/** A posted message as last drawn: its latest update, or the post itself when it was never updated. */
export const latestDrawing = (standIn: SlackApiStandIn, post: RecordedCall): RecordedCall =>
  latestUpdate(standIn, String(post.reply.ts)) ?? post;
