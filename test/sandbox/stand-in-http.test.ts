import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/sandbox/stand-in-http.js';

describe('the stand-in request arguments', () => {
  it('reads form fields, with JSON in blocks and view, and JSON bodies', () => {
    const form = new URLSearchParams({ channel: 'C1', blocks: '[{"type":"divider"}]', view: 'not json' });
    expect(parseArgs(form.toString(), 'application/x-www-form-urlencoded')).toEqual({
      channel: 'C1',
      blocks: [{ type: 'divider' }],
      view: 'not json',
    });
    expect(parseArgs('{"text":"hi"}', 'application/json; charset=utf-8')).toEqual({ text: 'hi' });
    expect(parseArgs('', 'application/json')).toEqual({});
  });
});
