import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { answer } from '../../../../src/adapters/slack/listeners/listener-deps.js';
import { MecError } from '../../../../src/domain/errors.js';

function capture() {
  const logged: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  return { logger, logged };
}

describe('answer', () => {
  it.each([
    ['a MecError', new MecError('lock_timeout', 'try the action again'), 'lock_timeout'],
    ['any other error', new Error('socket hang up'), 'unexpected'],
  ])('logs %s with its code and tells the person it failed', async (_what, error, code) => {
    const { logger, logged } = capture();
    const reply = await answer({ logger }, async () => {
      throw error;
    });
    expect(logged).toEqual([expect.objectContaining({ level: 50, msg: 'request failed', code })]);
    const incident = logged[0]?.incident as string;
    expect(reply?.text).toContain(`error ${incident}, logged`);
    expect(reply?.text).not.toContain(error.message);
  });

  it('logs nothing when the work succeeds', async () => {
    const { logger, logged } = capture();
    const reply = await answer({ logger }, async () => ({ text: 'done', blocks: [] }));
    expect(reply).toEqual({ text: 'done', blocks: [] });
    expect(logged).toEqual([]);
  });
});
