import { pino } from 'pino';

/**
 * The process logger. Anything that looks like a credential is redacted by key, as a second line of
 * defence: the code never logs tokens, the signing secret or a response_url on purpose.
 */
export function createLogger(level = 'info') {
  return pino({
    level,
    base: { app: 'mec-bot' },
    redact: {
      paths: [
        '*.token',
        '*.botToken',
        '*.appToken',
        '*.signingSecret',
        '*.response_url',
        '*.responseUrl',
        '*.authorization',
        '*.password',
        '*.routingKey',
        '*.routing_key',
      ],
      censor: '[redacted]',
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;
