import { describe, expect, it } from 'vitest';
import { StandInRules } from '../../src/sandbox/stand-in-rules.js';

describe('the stand-in rules gate', () => {
  it('answers a refused payload with HTTP 200 and ok: false, a rate limit with 429 and Retry-After', () => {
    const rules = new StandInRules(() => 0);
    expect(rules.refuseCall('chat.postMessage', { channel: 'C1' })).toMatchObject({
      status: 200,
      body: { ok: false, error: 'no_text' },
    });
    let refused: ReturnType<StandInRules['refuseCall']>;
    for (let i = 0; i < 200 && !refused; i += 1)
      refused = rules.refuseCall('chat.update', { channel: 'C1', ts: '1', text: 't' });
    expect(refused).toMatchObject({
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: 'ratelimited' },
    });
  });

  it('answers a response_url past its five uses with 404 used_url, and a bad message there with 400', () => {
    const rules = new StandInRules(() => 0);
    rules.issued('r');
    expect(rules.refuseResponse('r', {})).toMatchObject({ status: 400, body: { error: 'no_text' } });
    for (let i = 0; i < 5; i += 1) expect(rules.refuseResponse('r', { text: 'ok' })).toBeUndefined();
    expect(rules.refuseResponse('r', { text: 'ok' })).toMatchObject({
      status: 404,
      body: { error: 'used_url' },
    });
  });
});
