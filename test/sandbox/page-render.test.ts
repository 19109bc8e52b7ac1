import { describe, expect, it } from 'vitest';
import { PAGE_RENDER } from '../../src/sandbox/page-render.js';

interface Render {
  setNames(names: Record<string, string>): void;
  mrkdwn(text: string): string;
  blocks(list: unknown[], where: Record<string, string>): string;
  message(message: Record<string, unknown>): string;
}

/** The page's drawing functions, run as the browser runs them. */
const render = () =>
  new Function(`${PAGE_RENDER}; return { setNames, mrkdwn, blocks, message };`)() as Render;

describe("the sandbox page's drawing of Slack messages", () => {
  it('shows users by their display name, on-call for a user group, and escapes everything for HTML', () => {
    const page = render();
    page.setNames({ U0AVERYCHEN: 'Avery Chen' });
    expect(page.mrkdwn('Approved by <@U0AVERYCHEN>, paging <!subteam^S0ONCALL>')).toBe(
      'Approved by <span class="mention">@Avery Chen</span>, paging <span class="mention">@on-call</span>',
    );
    // Someone the page has no name for shows as their id.
    expect(page.mrkdwn('<@U0STRANGER>')).toContain('@U0STRANGER');
    // Slack-escaped text decodes once and is escaped for HTML: typed markup never becomes markup.
    expect(page.mrkdwn('*bold* &lt;script&gt; `x` &amp;')).toBe(
      '<b>bold</b> &lt;script&gt; <code>x</code> &amp;',
    );
  });

  it("names a message's author and time, and marks edits and private replies", () => {
    const page = render();
    page.setNames({ U0MECBOT: 'mec-bot' });
    const posted = new Date(2026, 0, 2, 14, 3, 9).getTime();
    const html = page.message({ user: 'U0MECBOT', postedAt: posted, text: 'hello', blocks: [] });
    expect(html).toContain('<b class="author">mec-bot</b>');
    expect(html).toMatch(/<time>14:03:09<\/time>/);
    expect(html).not.toContain('(edited)');
    expect(page.message({ postedAt: posted, editedAt: posted + 1, text: 'x', only: true })).toMatch(
      /\(edited\).*Only visible to you/,
    );
  });

  it("draws a modal's input with its ids, its length limit, and a place for its error", () => {
    const page = render();
    const html = page.blocks(
      [
        {
          type: 'input',
          block_id: 'reason_block',
          label: { type: 'plain_text', text: 'Reason' },
          element: { type: 'plain_text_input', action_id: 'reason_input', multiline: true, max_length: 500 },
        },
      ],
      {},
    );
    expect(html).toContain(
      '<textarea data-block="reason_block" data-action="reason_input" data-type="plain_text_input" maxlength="500"',
    );
    expect(html).toContain('data-error-for="reason_block"');
  });

  it('gives each button the block it is in, and its channel and message', () => {
    const page = render();
    const html = page.blocks(
      [
        {
          type: 'actions',
          block_id: 'mec_approval_sre',
          elements: [
            {
              type: 'button',
              action_id: 'mec_approve',
              text: { type: 'plain_text', text: 'Go' },
              value: 'v',
            },
          ],
        },
      ],
      { channel: 'C1', ts: '1.2' },
    );
    expect(html).toContain('data-action="mec_approve" data-block="mec_approval_sre" data-value="v"');
    expect(html).toContain('data-channel="C1" data-ts="1.2">Go</button>');
  });
});
