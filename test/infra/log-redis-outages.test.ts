import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { freePort } from '../../src/infra/free-port.js';
import { startLocalRedis } from '../../src/infra/local-redis-server.js';
import { isConnectionError, logRedisOutages, logRepeatedErrors } from '../../src/infra/log-redis-outages.js';
import { recordingLog } from '../support/recording-log.js';

const socketError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:6390`), { code, syscall: 'connect' });

describe('isConnectionError', () => {
  it.each([
    ['a refused connect', socketError('ECONNREFUSED'), true],
    ['a reset socket', socketError('ECONNRESET'), true],
    ['a timed-out connect', socketError('ETIMEDOUT'), true],
    ["ioredis's closed connection", new Error('Connection is closed.'), true],
    ['a script error', new Error('ERR Error running script'), false],
    ['a permission error', socketError('EACCES'), false],
    ['an error that only mentions a code', new Error('bad ECONNREFUSED handling'), false],
  ])('reads %s as %s', (_what, error, expected) => {
    expect(isConnectionError(error)).toBe(expected);
  });
});

describe('logRedisOutages', () => {
  it('warns once per outage, without a stack, and says when Redis is back', () => {
    const client = new EventEmitter();
    const log = recordingLog();
    logRedisOutages(client, log, 'jobs');
    for (const _ of [1, 2, 3]) client.emit('error', socketError('ECONNREFUSED'));
    client.emit('ready');
    client.emit('error', socketError('ECONNRESET'));
    client.emit('ready');

    expect(log.at('warn')).toEqual([
      {
        level: 'warn',
        fields: { redis: 'jobs', err: 'connect ECONNREFUSED 127.0.0.1:6390' },
        message: 'Redis unreachable; reconnecting',
      },
      {
        level: 'warn',
        fields: { redis: 'jobs', err: 'connect ECONNRESET 127.0.0.1:6390' },
        message: 'Redis unreachable; reconnecting',
      },
    ]);
    expect(log.at('debug')).toHaveLength(2);
    expect(log.at('info').map((line) => line.message)).toEqual([
      'Redis reachable again',
      'Redis reachable again',
    ]);
    expect(log.at('error')).toEqual([]);
  });

  it('says nothing when the first connection becomes ready', () => {
    const client = new EventEmitter();
    const log = recordingLog();
    logRedisOutages(client, log, 'commands');
    client.emit('ready');
    expect(log.lines).toEqual([]);
  });

  it('logs any other error in full, every time, even during an outage', () => {
    const client = new EventEmitter();
    const log = recordingLog();
    logRedisOutages(client, log, 'commands');
    const failure = new Error('NOAUTH Authentication required.');
    client.emit('error', socketError('ECONNREFUSED'));
    client.emit('error', failure);
    client.emit('error', failure);
    expect(log.at('error')).toEqual([
      { level: 'error', fields: { redis: 'commands', err: failure }, message: 'Redis client error' },
      { level: 'error', fields: { redis: 'commands', err: failure }, message: 'Redis client error' },
    ]);
  });
});

describe('logRedisOutages, with duplicates', () => {
  it('logs the errors of every duplicate of a real client, as one outage, and prints none to stderr', async () => {
    // Nothing listens here yet: each connect is refused until the server below starts on the port.
    const port = await freePort();
    const consoleErrors = vi.spyOn(console, 'error');
    const log = recordingLog();
    const client = new Redis({
      port,
      host: '127.0.0.1',
      maxRetriesPerRequest: null,
      retryStrategy: () => 50,
    });
    logRedisOutages(client, log, 'jobs');
    // As BullMQ duplicates a worker's connection for its blocking commands, and a duplicate of that.
    const copy = client.duplicate();
    const copyOfCopy = copy.duplicate();
    const clients = [client, copy, copyOfCopy];
    try {
      await expect.poll(() => log.at('debug').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
      expect(log.at('warn').map((line) => line.fields)).toEqual([
        { redis: 'jobs', err: expect.stringContaining('ECONNREFUSED') },
      ]);
      const server = await startLocalRedis({ port });
      try {
        await expect.poll(() => log.at('info').length, { timeout: 10_000 }).toBe(1);
        await Promise.all(clients.map((each) => each.ping()));
        expect(log.at('info')).toEqual([
          { level: 'info', fields: { redis: 'jobs' }, message: 'Redis reachable again' },
        ]);
      } finally {
        for (const each of clients) each.disconnect();
        await server.stop();
      }
      expect(log.at('error')).toEqual([]);
      expect(consoleErrors).not.toHaveBeenCalled();
    } finally {
      for (const each of clients) each.disconnect();
      consoleErrors.mockRestore();
    }
  });
});

describe('logRepeatedErrors', () => {
  it('sends connection errors to debug and any other error to error, with its stack', () => {
    const queue = new EventEmitter();
    const log = recordingLog();
    logRepeatedErrors(queue, log, { queue: 'mec-ramp' }, 'queue error');
    const failure = new Error('ERR Error running script');
    queue.emit('error', socketError('ECONNREFUSED'));
    queue.emit('error', failure);
    expect(log.lines).toEqual([
      {
        level: 'debug',
        fields: { queue: 'mec-ramp', err: 'connect ECONNREFUSED 127.0.0.1:6390' },
        message: 'queue error',
      },
      { level: 'error', fields: { queue: 'mec-ramp', err: failure }, message: 'queue error' },
    ]);
  });
});
