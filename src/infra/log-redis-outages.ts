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

/** A client that makes copies of itself, as ioredis's `duplicate()` does for BullMQ's blocking connections. */
type Duplicating = EventEmitter & { duplicate?: (...args: never[]) => EventEmitter };

/**
 * Logs each outage of one ioredis client, and of every client duplicated from it, once: a warning
 * without a stack when the first of them loses its connection, and a line when the last is back.
 * ioredis reports every failed reconnect attempt as an 'error' event, and with no listener prints each
 * one with its stack to stderr ("Unhandled error event"). BullMQ duplicates the connection a worker is
 * given for its blocking commands; each duplicate gets these listeners too, so its errors reach the
 * logger even once BullMQ has taken its own listener off. Any other error is logged in full, every time.
 */
export function logRedisOutages(client: EventEmitter, logger: OutageLogger, name: string): void {
  // The clients of this family whose connection is down now; a closed one no longer counts.
  const down = new Set<EventEmitter>();
  const watch = (member: Duplicating): void => {
    member.on('error', (error: Error) => {
      if (!isConnectionError(error)) {
        logger.error({ redis: name, err: error }, 'Redis client error');
        return;
      }
      const known = down.size > 0;
      down.add(member);
      if (known) logger.debug({ redis: name, err: error.message }, 'Redis still unreachable; reconnecting');
      else logger.warn({ redis: name, err: error.message }, 'Redis unreachable; reconnecting');
    });
    member.on('ready', () => {
      if (!down.delete(member) || down.size > 0) return;
      logger.info({ redis: name }, 'Redis reachable again');
    });
    member.on('end', () => down.delete(member));
    const duplicate = member.duplicate;
    if (typeof duplicate !== 'function') return;
    member.duplicate = (...args: never[]) => {
      const copy = duplicate.apply(member, args) as Duplicating;
      watch(copy);
      return copy;
    };
  };
  watch(client);
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
