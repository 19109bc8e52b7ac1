import { describe, expect, it } from 'vitest';
import { BLOCK_KIT_LIMITS, blockKitErrors } from '../../src/sandbox/block-kit-rules.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const button = (actionId: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: actionId,
  text: plain('Go'),
  ...extra,
});
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const x = (n: number) => 'x'.repeat(n);

describe('Block Kit rules', () => {
  it('accepts blocks the bot draws: header, section with accessory, context, actions with confirm, input', () => {
    const blocks = [
      { type: 'header', text: plain(x(BLOCK_KIT_LIMITS.headerText)) },
      { type: 'section', text: mrkdwn(x(3_000)), accessory: button('a', { value: x(2_000) }) },
      { type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn(x(2_000))) },
      { type: 'divider', block_id: x(255) },
      { type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('c')) },
      {
        type: 'actions',
        block_id: 'acts',
        elements: [
          button('go', { style: 'primary' }),
          button('no', {
            style: 'danger',
            confirm: {
              title: plain(x(100)),
              text: mrkdwn(x(300)),
              confirm: plain(x(30)),
              deny: plain(x(30)),
            },
          }),
        ],
      },
      {
        type: 'input',
        block_id: 'in',
        label: plain('Reason'),
        element: { type: 'plain_text_input', action_id: 'r', multiline: true, max_length: 500 },
      },
    ];
    expect(blockKitErrors(blocks, 'message')).toEqual([]);
  });

  it.each([
    ['51 blocks in a message', Array.from({ length: 51 }, () => ({ type: 'divider' })), 'message', '/blocks'],
    ['a section of 3,001 characters', [section(x(3_001))], 'message', '/blocks/0/text/text'],
    ['an empty section text', [section('')], 'message', '/blocks/0/text/text'],
    ['a section with neither text nor fields', [{ type: 'section' }], 'message', '/blocks/0'],
    [
      '11 fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) }],
      'message',
      '/blocks/0/fields',
    ],
    [
      'a field of 2,001 characters',
      [{ type: 'section', fields: [mrkdwn(x(2_001))] }],
      'message',
      '/blocks/0/fields/0/text',
    ],
    [
      'a header of 151 characters',
      [{ type: 'header', text: plain(x(151)) }],
      'message',
      '/blocks/0/text/text',
    ],
    ['a mrkdwn header', [{ type: 'header', text: mrkdwn('h') }], 'message', '/blocks/0/text/type'],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) }],
      'message',
      '/blocks/0/elements',
    ],
    [
      'a duplicate block_id',
      [
        { type: 'divider', block_id: 'a' },
        { type: 'divider', block_id: 'a' },
      ],
      'message',
      '/blocks/1/block_id',
    ],
    [
      'a block_id of 256 characters',
      [{ type: 'divider', block_id: x(256) }],
      'message',
      '/blocks/0/block_id',
    ],
    [
      'two buttons with one action_id in a block',
      [{ type: 'actions', elements: [button('a'), button('a')] }],
      'message',
      '/blocks/0/elements/1/action_id',
    ],
    [
      '26 action elements',
      [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }],
      'message',
      '/blocks/0/elements',
    ],
    [
      'button text of 76 characters',
      [{ type: 'actions', elements: [{ ...button('a'), text: plain(x(76)) }] }],
      'message',
      '/blocks/0/elements/0/text/text',
    ],
    [
      'mrkdwn button text',
      [{ type: 'actions', elements: [{ ...button('a'), text: mrkdwn('Go') }] }],
      'message',
      '/blocks/0/elements/0/text/type',
    ],
    [
      'a button value of 2,001 characters',
      [{ type: 'actions', elements: [button('a', { value: x(2_001) })] }],
      'message',
      '/blocks/0/elements/0/value',
    ],
    [
      'an action_id of 256 characters',
      [{ type: 'actions', elements: [button(x(256))] }],
      'message',
      '/blocks/0/elements/0/action_id',
    ],
    [
      'an unknown button style',
      [{ type: 'actions', elements: [button('a', { style: 'loud' })] }],
      'message',
      '/blocks/0/elements/0/style',
    ],
    [
      'a confirm title of 101 characters',
      [
        {
          type: 'actions',
          elements: [
            button('a', {
              confirm: { title: plain(x(101)), text: mrkdwn('t'), confirm: plain('y'), deny: plain('n') },
            }),
          ],
        },
      ],
      'message',
      '/blocks/0/elements/0/confirm/title/text',
    ],
    [
      'a confirm text of 301 characters',
      [
        {
          type: 'actions',
          elements: [
            button('a', {
              confirm: { title: plain('t'), text: mrkdwn(x(301)), confirm: plain('y'), deny: plain('n') },
            }),
          ],
        },
      ],
      'message',
      '/blocks/0/elements/0/confirm/text/text',
    ],
    [
      'a confirm button of 31 characters',
      [
        {
          type: 'actions',
          elements: [
            button('a', {
              confirm: { title: plain('t'), text: mrkdwn('t'), confirm: plain(x(31)), deny: plain('n') },
            }),
          ],
        },
      ],
      'message',
      '/blocks/0/elements/0/confirm/confirm/text',
    ],
    ['101 blocks in a modal', Array.from({ length: 101 }, () => ({ type: 'divider' })), 'modal', '/blocks'],
    ['an unknown block type', [{ type: 'carousel_of_doom' }], 'home', '/blocks/0/type'],
  ] as const)('refuses %s', (_name, blocks, surface, pointer) => {
    const errors = blockKitErrors(blocks, surface);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((error) => error.endsWith(`[json-pointer:${pointer}]`))).toBe(true);
  });

  it('allows 100 blocks in a modal or Home tab, and one action_id again in another block', () => {
    const hundred = Array.from({ length: 100 }, () => ({ type: 'divider' }));
    expect(blockKitErrors(hundred, 'modal')).toEqual([]);
    expect(blockKitErrors(hundred, 'home')).toEqual([]);
    const twoBlocks = [
      { type: 'actions', elements: [button('a')] },
      { type: 'actions', elements: [button('a')] },
    ];
    expect(blockKitErrors(twoBlocks, 'message')).toEqual([]);
  });

  it('names each problem with what is wrong and where, as Slack does', () => {
    expect(blockKitErrors([section(x(3_001))], 'message')).toEqual([
      'must be at most 3000 characters [json-pointer:/blocks/0/text/text]',
    ]);
  });
});
