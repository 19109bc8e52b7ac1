import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/infra/logger.js';

/** The bot's own logger at `level`, its JSON lines kept in `lines` (parsed) instead of printed. */
export function capturedLog(level = 'debug'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}
