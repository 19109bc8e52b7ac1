import { describe, expect, it } from 'vitest';
import {
  abbreviate,
  actions,
  type Block,
  button,
  clip,
  context,
  describeCheckpoint,
  header,
  LIMITS,
  listSections,
  message,
  section,
  statusIcon,
} from '../../../../src/adapters/slack/views/blocks.js';

const textOf = (block: Block) => (block as { text: { text: string } }).text.text;

describe('the Block Kit builders', () => {
  it('clip text to a limit, marking the cut, and leave shorter text alone', () => {
    expect(clip('abcdef', 6)).toBe('abcdef');
    expect(clip('abcdefg', 6)).toBe('abcde…');
    expect(textOf(header('h'.repeat(200)))).toHaveLength(150);
    expect(textOf(section('s'.repeat(5_000)))).toHaveLength(LIMITS.sectionText);
  });

  it('keep a context to ten elements and an actions block to 25 buttons', () => {
    const many = context(...Array.from({ length: 12 }, (_, i) => `part ${i}`)) as { elements: unknown[] };
    expect(many.elements).toHaveLength(10);
    const buttons = Array.from({ length: 30 }, (_, i) => button(`a_${i}`, 'Go', { i }));
    expect((actions('row', buttons) as { elements: unknown[] }).elements).toHaveLength(25);
  });

  it('fit a message within 50 blocks, keeping its last block (the actions or footer) in place, and count the rest', () => {
    const blocks = Array.from({ length: 60 }, (_, i) => section(`line ${i}`));
    const fitted = message('t'.repeat(4_000), blocks);
    expect(fitted.blocks).toHaveLength(50);
    expect(fitted.blocks.at(-1)).toBe(blocks.at(-1));
    expect(fitted.blocks.at(-3)).toBe(blocks[47]);
    expect(JSON.stringify(fitted.blocks.at(-2))).toContain('and 11 more blocks, not shown');
    expect(fitted.text).toHaveLength(3_000);
  });

  it('put a button value in as JSON, with its style and confirmation', () => {
    const drawn = button(
      'mec_rollback',
      'Roll back',
      { r: 'R1', v: 3 },
      {
        style: 'danger',
        confirm: { title: 'Sure?', text: 'Traffic returns to 0%.', confirm: 'Roll back' },
      },
    );
    expect(drawn).toMatchObject({
      action_id: 'mec_rollback',
      value: '{"r":"R1","v":3}',
      style: 'danger',
      confirm: { title: { text: 'Sure?' }, confirm: { text: 'Roll back' }, deny: { text: 'Cancel' } },
    });
    expect(button('mec_pause', 'Pause', {})).not.toHaveProperty('style');
  });

  it('refuse a button value over Slack’s 2000 characters, with the code button_value_too_long', () => {
    expect(() => button('mec_x', 'X', { state: 'x'.repeat(2_000) })).toThrow(
      expect.objectContaining({ code: 'button_value_too_long' }),
    );
  });

  it('abbreviate a hash to twelve digits, and give each check status its icon', () => {
    expect(abbreviate('0123456789abcdef'.repeat(4))).toBe('0123456789ab…');
    expect(
      ['pending', 'running', 'passed', 'failed'].map((status) => statusIcon(status as 'pending')),
    ).toEqual(['⬜', '⏳', '✅', '❌']);
  });

  it('name a checkpoint by its tree size and the first twelve digits of its root, or say none is signed', () => {
    const root = Buffer.from('0123456789abcdef'.repeat(4), 'hex');
    expect(describeCheckpoint({ origin: 'mec.test/ledger', size: 14, root })).toBe(
      'checkpoint #14 `0123456789ab…`',
    );
    expect(describeCheckpoint(undefined)).toBe('not checkpointed yet');
  });

  it('lay a list out in sections of whole lines, and count the lines past the block budget', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${i}: ${'w'.repeat(200)}`);
    const blocks = listSections('*List*', lines, { maxBlocks: 3, more: (count) => `and ${count} more` });
    expect(blocks).toHaveLength(3);
    const drawn = JSON.stringify(blocks);
    const shown = lines.filter((line) => drawn.includes(line)).length;
    expect(shown).toBe(28);
    expect(drawn).toContain(`and ${100 - shown} more`);
    expect(listSections('*List*', ['a', 'b'], { maxBlocks: 1, more: String })).toEqual([
      section('*List*\na\nb'),
    ]);
  });
});
