import { describe, expect, it } from 'vitest';
import {
  escapeSlackText,
  mrkdwnOf,
  peopleOf,
  unescapeSlackText,
} from '../../../src/adapters/slack/escape-text.js';

describe('escapeSlackText and unescapeSlackText', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<https://evil.example|docs>', '&lt;https://evil.example|docs&gt;'],
    ['a & b', 'a &amp; b'],
    ['typed &lt; already', 'typed &amp;lt; already'],
    ['*bold* _it_ `code`', '*bold* _it_ `code`'],
  ])('escapes %j as Slack does, and undoes it exactly', (typed, escaped) => {
    expect(escapeSlackText(typed)).toBe(escaped);
    expect(unescapeSlackText(escaped)).toBe(typed);
  });
});

describe('mrkdwnOf', () => {
  it('escapes the text once, and shows only the given user ids as mentions', () => {
    expect(mrkdwnOf('U0GOV overrode it <!here> & left; U0OTHER watched', ['U0GOV'])).toBe(
      '<@U0GOV> overrode it &lt;!here&gt; &amp; left; U0OTHER watched',
    );
  });

  it('ignores anything given as a user id that is not one, so no text can become a broadcast', () => {
    expect(mrkdwnOf('here and everyone, !channel', ['here', 'everyone', '!channel', 'C0RELEASE01'])).toBe(
      'here and everyone, !channel',
    );
  });

  it('mentions every occurrence again when asked again for the same people, and others for others', () => {
    for (let i = 0; i < 3; i++)
      expect(mrkdwnOf('U0GOV and U0SRE, then U0GOV', ['U0GOV', 'U0SRE'])).toBe(
        '<@U0GOV> and <@U0SRE>, then <@U0GOV>',
      );
    expect(mrkdwnOf('U0GOV and U0SRE', ['U0SRE'])).toBe('U0GOV and <@U0SRE>');
  });

  it('mentions a whole id only, not the start of a longer word', () => {
    expect(mrkdwnOf('U0GOV and U0GOVERNOR', ['U0GOV'])).toBe('<@U0GOV> and U0GOVERNOR');
  });
});

describe('peopleOf', () => {
  it("lists every member of the policy's roles, and the others named, skipping the unknown", () => {
    const policy = { roles: [{ userIds: ['U1', 'U2'] }, { userIds: ['U3'] }] };
    expect(peopleOf(policy, 'U9', undefined)).toEqual(['U1', 'U2', 'U3', 'U9']);
    expect(peopleOf(undefined, 'U9')).toEqual(['U9']);
  });
});
