import { expect } from 'vitest';
import type { Block, SlackMessage } from '../../src/adapters/slack/views/blocks.js';

/** A drawn message has fallback text and stays within Slack's block and section limits. */
export function expectWithinLimits(message: SlackMessage): void {
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of message.blocks as Array<Block & { text?: { text: string } }>) {
    if (block.type === 'section') expect(block.text?.text.length).toBeLessThanOrEqual(3_000);
  }
}
