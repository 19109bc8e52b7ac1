import { describe, expect, it } from 'vitest';
import { CallLog, type RecordedCall } from '../../src/sandbox/call-log.js';

/** A log whose calls the test makes, at the times it says. */
class Log extends CallLog {
  add(method: string): RecordedCall {
    const call = { method, args: {}, reply: { ok: true } };
    this.record(call);
    return call;
  }
}

describe('the log of calls a stand-in received', () => {
  it('keeps calls in order, stamped with its clock, and lists those of one method', () => {
    let now = 1_000;
    const log = new Log(() => now++);
    log.add('chat.postMessage');
    log.add('chat.update');
    log.add('chat.postMessage');
    expect(log.calls.map((call) => [call.method, call.at])).toEqual([
      ['chat.postMessage', 1_000],
      ['chat.update', 1_001],
      ['chat.postMessage', 1_002],
    ]);
    expect(log.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('answers a wait with a past call, a call still to come, or a timeout naming what came', async () => {
    const log = new Log();
    const first = log.add('auth.test');
    expect(await log.waitFor((call) => call.method === 'auth.test')).toBe(first);
    // From index 1 on, the past call does not count: the wait is for the next one.
    const next = log.waitFor((call) => call.method === 'auth.test', 5_000, 1);
    const second = log.add('auth.test');
    expect(await next).toBe(second);
    await expect(log.waitFor((call) => call.method === 'views.open', 20)).rejects.toMatchObject({
      code: 'stand_in_timeout',
      message: expect.stringContaining('auth.test, auth.test'),
    });
  });
});
