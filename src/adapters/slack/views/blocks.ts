import type { types } from '@slack/bolt';
import type { Checkpoint } from '../../../domain/checkpoint-note.js';
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

/**
 * A list as sections: `heading` and as many whole lines as fit in each section's 3,000 characters, in
 * at most `maxBlocks` blocks. Lines that do not fit are counted, never dropped silently: the last
 * block says how many more there are and, through `more`, where to read them. A line longer than a
 * section is clipped, with the cut marked.
 */
export function listSections(
  heading: string,
  lines: readonly string[],
  options: { maxBlocks: number; more: (count: number) => string },
): Block[] {
  const room = LIMITS.sectionText - heading.length - 1;
  const texts: string[] = [];
  let shown = 0;
  for (const line of lines.map((text) => clip(text, room))) {
    const last = texts.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= LIMITS.sectionText) {
      texts[texts.length - 1] = `${last}\n${line}`;
    } else {
      // The last block is kept for the count of the rest, should any not fit.
      if (texts.length > 0 && texts.length >= options.maxBlocks - 1 && shown + 1 < lines.length) break;
      texts.push(texts.length === 0 ? `${heading}\n${line}` : line);
    }
    shown += 1;
  }
  if (texts.length === 0) texts.push(heading);
  const blocks = texts.map((text) => section(text));
  const rest = lines.length - shown;
  return rest > 0 ? [...blocks, context(options.more(rest))] : blocks;
}

/** Keeps text within a limit, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Fits a message within Slack's block limit, keeping the last block (the actions or footer) in place;
 * blocks that do not fit are counted in a line before it, never dropped silently. Views are built to
 * fit, so this is the last guard.
 */
export function message(text: string, blocks: Block[]): SlackMessage {
  if (blocks.length <= LIMITS.blocks) return { text: clip(text, 3_000), blocks };
  const kept = blocks.slice(0, LIMITS.blocks - 2);
  const dropped = blocks.length - kept.length - 1;
  const note = context(
    `…and ${dropped} more blocks, not shown: Slack takes 50 in a message. \`/mec status\` and \`/mec ledger\` show the rest.`,
  );
  return { text: clip(text, 3_000), blocks: [...kept, note, blocks.at(-1) as Block] };
}

export const abbreviate = (hash: string) => `${hash.slice(0, 12)}…`;
/** A signed checkpoint as the views name it, by its tree size and short root; or that none is signed yet. */
export const describeCheckpoint = (checkpoint: Checkpoint | undefined) =>
  checkpoint
    ? `checkpoint #${checkpoint.size} \`${abbreviate(checkpoint.root.toString('hex'))}\``
    : 'not checkpointed yet';
export const statusIcon = (status: 'pending' | 'running' | 'passed' | 'failed') =>
  ({ pending: '⬜', running: '⏳', passed: '✅', failed: '❌' })[status];
