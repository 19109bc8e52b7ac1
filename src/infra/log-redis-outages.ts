import type { EventEmitter } from 'node:events';

type LogCall = (fields: Record<string, unknown>, message: string) => void;

/** The logger calls used here: a pino logger, or a recorder in a test. */
export interface OutageLogger {
  debug: LogCall;
  info: LogCall;
  warn: LogCall;
  error: LogCall;
}

/** Socket error codes with which a connection to Redis fails while the server is down or restarting. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Whether an error says only that Redis cannot be reached right now, which a reconnect recovers from. */
export function isConnectionError(error: Error): boolean {
  const { code } = error as NodeJS.ErrnoException;
  return (code !== undefined && CONNECTION_CODES.has(code)) || error.message === 'Connection is closed.';
}

/**
 * Logs each outage of one ioredis client once: a warning without a stack when the connection is lost,
 * and a line when it is back. ioredis reports every failed reconnect attempt as an 'error' event, and
 * with no listener prints each one with its stack. Any other error is logged in full, every time.
 */
export function logRedisOutages(client: EventEmitter, logger: OutageLogger, name: string): void {
  let down = false;
  client.on('error', (error: Error) => {
    if (!isConnectionError(error)) {
      logger.error({ redis: name, err: error }, 'Redis client error');
    } else if (down) {
      logger.debug({ redis: name, err: error.message }, 'Redis still unreachable; reconnecting');
    } else {
      down = true;
      logger.warn({ redis: name, err: error.message }, 'Redis unreachable; reconnecting');
    }
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ redis: name }, 'Redis reachable again');
  });
}

/**
 * Listens for 'error' on something that repeats its Redis client's errors, as BullMQ's queues and
 * workers do (a queue with no listener prints each with console.error). A connection error goes to
 * debug, since the client's own outage warning says it once; any other error is logged in full.
 */
export function logRepeatedErrors(
  emitter: EventEmitter,
  logger: OutageLogger,
  context: Record<string, unknown>,
  message: string,
): void {
  emitter.on('error', (error: Error) => {
    if (isConnectionError(error)) logger.debug({ ...context, err: error.message }, message);
    else logger.error({ ...context, err: error }, message);
  });
}
