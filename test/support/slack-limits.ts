import { expect } from 'vitest';
import type { SlackMessage } from '../../src/adapters/slack/views/blocks.js';
import { payloadRefusal } from '../../src/sandbox/slack-payload-rules.js';

/** A drawn message passes every rule the stand-in applies to chat.postMessage: Slack would post it. */
export function expectWithinLimits(message: SlackMessage): void {
  expect(payloadRefusal('chat.postMessage', { channel: 'C0RELEASE01', ...message })).toBeUndefined();
}

/** A drawn modal passes every rule the stand-in applies to views.open. */
export function expectModalWithinLimits(view: unknown): void {
  expect(payloadRefusal('views.open', { trigger_id: 'trigger', view })).toBeUndefined();
}

/** A drawn Home tab passes every rule the stand-in applies to views.publish. */
export function expectHomeWithinLimits(view: unknown): void {
  expect(payloadRefusal('views.publish', { user_id: 'U0VIEWER01', view })).toBeUndefined();
}
