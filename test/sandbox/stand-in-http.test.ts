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
