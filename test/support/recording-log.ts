import type { OutageLogger } from '../../src/infra/log-redis-outages.js';

export interface LogLine {
  level: keyof OutageLogger;
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps what it is told, to assert on; `at` gives the lines of one level. */
export function recordingLog(): OutageLogger & { lines: LogLine[]; at(level: LogLine['level']): LogLine[] } {
  const lines: LogLine[] = [];
  const record = (level: LogLine['level']) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields, message });
  };
  return {
    lines,
    at: (level) => lines.filter((line) => line.level === level),
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}
