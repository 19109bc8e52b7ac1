import type { types } from '@slack/bolt';
import { MecError } from '../../../domain/errors.js';

export type Block = types.KnownBlock;
export type Button = types.Button;

/** A message: Block Kit blocks and the plain `text` that notifications and screen readers use. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Slack's limits for one message (Block Kit reference). */
export const LIMITS = {
  blocks: 50,
  sectionText: 3_000,
  buttonValue: 2_000,
  contextElements: 10,
  actionElements: 25,
} as const;

export const header = (text: string): Block => ({
  type: 'header',
  text: { type: 'plain_text', text: clip(text, 150) },
});
export const divider = (): Block => ({ type: 'divider' });
export const section = (text: string, accessory?: Button): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) },
  ...(accessory ? { accessory } : {}),
});
export const context = (...texts: string[]): Block => ({
  type: 'context',
  elements: texts
    .slice(0, LIMITS.contextElements)
    .map((text) => ({ type: 'mrkdwn', text: clip(text, LIMITS.sectionText) })),
});
export const actions = (blockId: string, elements: Button[]): Block => ({
  type: 'actions',
  block_id: blockId,
  elements: elements.slice(0, LIMITS.actionElements),
});

export function button(
  actionId: string,
  text: string,
  value: unknown,
  options: { style?: 'primary' | 'danger'; confirm?: { title: string; text: string; confirm: string } } = {},
): Button {
  const encoded = JSON.stringify(value);
  if (encoded.length > LIMITS.buttonValue)
    throw new MecError(
      'button_value_too_long',
      `button value for ${actionId} is over ${LIMITS.buttonValue} characters; keep ids in it, not state`,
    );
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: clip(text, 75) },
    value: encoded,
    ...(options.style ? { style: options.style } : {}),
    ...(options.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: options.confirm.title },
            text: { type: 'mrkdwn', text: options.confirm.text },
            confirm: { type: 'plain_text', text: options.confirm.confirm },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        }
      : {}),
  };
}

/** Keeps text within a limit, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Fits a message within Slack's block limit, keeping the last block (the actions or footer) in place. */
export function message(text: string, blocks: Block[]): SlackMessage {
  const fitted =
    blocks.length <= LIMITS.blocks ? blocks : [...blocks.slice(0, LIMITS.blocks - 1), blocks.at(-1) as Block];
  return { text: clip(text, 3_000), blocks: fitted };
}

export const abbreviate = (hash: string) => `${hash.slice(0, 12)}…`;
export const statusIcon = (status: 'pending' | 'running' | 'passed' | 'failed') =>
  ({ pending: '⬜', running: '⏳', passed: '✅', failed: '❌' })[status];
