import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/sandbox/stand-in-http.js';

describe("the stand-in's argument parsing", () => {
  it('reads form fields, with JSON in blocks and metadata, and JSON bodies', () => {
    const form = new URLSearchParams({
      channel: 'C0RELEASE',
      blocks: JSON.stringify([{ type: 'divider' }]),
      metadata: JSON.stringify({ event_type: 'mec_delivery', event_payload: { delivery_id: 'x' } }),
    }).toString();
    expect(parseArgs(form, 'application/x-www-form-urlencoded')).toEqual({
      channel: 'C0RELEASE',
      blocks: [{ type: 'divider' }],
      metadata: { event_type: 'mec_delivery', event_payload: { delivery_id: 'x' } },
    });
    expect(parseArgs('{"channel":"C1"}', 'application/json')).toEqual({ channel: 'C1' });
    expect(parseArgs('', 'application/json')).toEqual({});
  });
});

describe("the stand-in's reading of Web API arguments", () => {
  it('reads form-encoded arguments, decoding the fields Slack sends as JSON', () => {
    const raw = new URLSearchParams({ channel: 'C1', blocks: '[{"type":"divider"}]', text: '[not json' });
    expect(parseArgs(raw.toString(), 'application/x-www-form-urlencoded')).toEqual({
      channel: 'C1',
      blocks: [{ type: 'divider' }],
      text: '[not json',
    });
  });

  it('keeps a JSON field that does not parse as the text it was, and reads JSON bodies whole', () => {
    expect(parseArgs('view=%7Bbroken', 'application/x-www-form-urlencoded')).toEqual({ view: '{broken' });
    expect(parseArgs('{"channel":"C2","thread_ts":"1.2"}', 'application/json; charset=utf-8')).toEqual({
      channel: 'C2',
      thread_ts: '1.2',
    });
    expect(parseArgs('', 'application/json')).toEqual({});
  });
});
