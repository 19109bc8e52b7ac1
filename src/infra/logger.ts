import { type DestinationStream, pino } from 'pino';
import { correlationId } from './correlation.js';
import { redactForLog } from './redact-log.js';
import { scrubSecretShapes } from './scrub-secrets.js';

/**
 * The process logger, on stdout unless `destination` says otherwise (tests). Every line is scrubbed
 * as a second line of defence: the code never logs tokens, the signing secret or a response_url on
 * purpose, but an error from a client library may carry one in a header or its message. Keys that
 * name a secret are redacted at any depth and in any case, and strings (the message too) lose what
 * looks like a Slack token or a response_url (`redactForLog`). A line logged while a request's work
 * runs carries its correlation id as `cid`.
 */
export function createLogger(level = 'info', destination?: DestinationStream) {
  const options = {
    level,
    base: { app: 'mec-bot' },
    mixin: () => {
      const cid = correlationId();
      return cid === undefined ? {} : { cid };
    },
    formatters: {
      log: (fields: Record<string, unknown>) => redactForLog(fields) as Record<string, unknown>,
      bindings: (bindings: Record<string, unknown>) => redactForLog(bindings) as Record<string, unknown>,
    },
    // Errors are made plain (and walked) by the formatter above; pino's own serializer would then read
    // the plain copy as an Object and lose its type.
    serializers: { err: (value: unknown) => value },
    hooks: {
      logMethod(this: pino.Logger, args: unknown[], method: (...args: unknown[]) => void) {
        method.apply(
          this,
          withMessage(args).map((arg) => (typeof arg === 'string' ? scrubSecretShapes(arg) : arg)),
        );
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * The arguments of a log call with its message spelled out. Given an error and no message, pino takes
 * the error's message as the line's after every hook has run, where it could not be scrubbed.
 */
function withMessage(args: unknown[]): unknown[] {
  const [first, second, ...rest] = args;
  if (second !== undefined) return args;
  if (first instanceof Error) return [{ err: first }, first.message, ...rest];
  const err = typeof first === 'object' && first !== null ? (first as { err?: unknown; msg?: unknown }) : {};
  if (err.err instanceof Error && err.msg === undefined) return [first, err.err.message, ...rest];
  return args;
}

export type Logger = ReturnType<typeof createLogger>;
