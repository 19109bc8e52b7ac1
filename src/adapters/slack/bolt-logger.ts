import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../infra/logger.js';

const RANK: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

/**
 * Bolt's logger interface on the process's pino logger. Bolt's own level filters first, then pino's, so
 * a quieter process logger (as in tests) is never made louder.
 */
export function boltLogger(logger: Logger, level: LogLevel = LogLevel.WARN): BoltLogger {
  let current = level;
  const child = logger.child({ component: 'bolt' });
  const text = (parts: unknown[]) =>
    parts.map((part) => (part instanceof Error ? part.message : String(part))).join(' ');
  const at =
    (wanted: LogLevel, write: (message: string) => void) =>
    (...parts: unknown[]) => {
      if (RANK[wanted] >= RANK[current]) write(text(parts));
    };
  return {
    debug: at(LogLevel.DEBUG, (message) => child.debug(message)),
    info: at(LogLevel.INFO, (message) => child.info(message)),
    warn: at(LogLevel.WARN, (message) => child.warn(message)),
    error: at(LogLevel.ERROR, (message) => child.error(message)),
    setLevel: (next) => {
      current = next;
    },
    getLevel: () => current,
    setName: () => undefined,
  };
}
