import { LogLevel } from '@slack/bolt';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../../src/adapters/slack/bolt-logger.js';

/** A pino logger at `level` whose lines are kept, parsed. */
function recorded(level = 'debug') {
  const lines: Array<{ level: number; msg: string; component?: string }> = [];
  return { lines, logger: pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

describe('boltLogger', () => {
  it("writes Bolt's messages at its own level and above, as one line, marked as Bolt's", () => {
    const { lines, logger } = recorded();
    const bolt = boltLogger(logger, LogLevel.WARN);
    bolt.debug('noise');
    bolt.info('more noise');
    bolt.warn('socket', 'closed', 1006);
    bolt.error(new Error('token revoked'));
    expect(lines.map(({ level, msg, component }) => [level, msg, component])).toEqual([
      [40, 'socket closed 1006', 'bolt'],
      [50, 'token revoked', 'bolt'],
    ]);
  });

  it('takes a new level from Bolt, and never writes below the process logger', () => {
    const { lines, logger } = recorded('error');
    const bolt = boltLogger(logger);
    bolt.setLevel(LogLevel.DEBUG);
    expect(bolt.getLevel()).toBe(LogLevel.DEBUG);
    bolt.info('listening');
    bolt.error('failed');
    expect(lines.map((line) => line.msg)).toEqual(['failed']);
  });
});
