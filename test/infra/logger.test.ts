import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { withCorrelation } from '../../src/infra/correlation.js';
import { capturedLog } from '../support/captured-log.js';

const run = promisify(execFile);

/** What createLogger(level) prints for one call, run in a process of its own (pino writes to fd 1). */
async function printed(level: string, call: string): Promise<Array<Record<string, unknown>>> {
  const script = `import { createLogger } from './src/infra/logger.ts';\nconst logger = createLogger('${level}');\n${call};`;
  const { stdout } = await run('node', ['--import', 'tsx', '--input-type=module', '-e', script]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createLogger', () => {
  it('redacts anything that looks like a credential, by its key, and names the app', async () => {
    const [line] = await printed(
      'info',
      `logger.info({ slack: { botToken: 'xoxb-1', signingSecret: 's', appToken: 'xapp-1' }, request: { response_url: 'https://hooks.slack.com/x', authorization: 'Bearer t' }, redis: { password: 'p', host: 'cache' }, pager: { routingKey: 'k1', url: 'https://events.pagerduty.com' }, event: { routing_key: 'k2' } }, 'starting')`,
    );
    expect(line).toMatchObject({
      app: 'mec-bot',
      msg: 'starting',
      slack: { botToken: '[redacted]', signingSecret: '[redacted]', appToken: '[redacted]' },
      request: { response_url: '[redacted]', authorization: '[redacted]' },
      redis: { password: '[redacted]', host: 'cache' },
      pager: { routingKey: '[redacted]', url: 'https://events.pagerduty.com' },
      event: { routing_key: '[redacted]' },
    });
  });

  it('logs at the level it is given and above', async () => {
    const lines = await printed(
      'warn',
      `logger.info('quiet'); logger.warn('heard'); logger.error('heard too')`,
    );
    expect(lines.map((line) => line.msg)).toEqual(['heard', 'heard too']);
  });
});

describe('createLogger, redacting', () => {
  it('redacts secret keys at any depth and in any case, and tokens in strings, the message included', async () => {
    const { logger, lines } = capturedLog('info');
    const failure = Object.assign(new Error('POST https://hooks.slack.com/commands/T1/2/abc failed'), {
      config: { headers: { Authorization: 'Bearer s3cret-bearer', Accept: 'application/json' } },
    });
    logger.info(
      {
        token: 'top-level-token',
        env: { slack: { botToken: 'xoxb-1-nested', SIGNING_SECRET: 'sig' } },
        err: failure,
        list: [{ Password: 'p4ss' }, 'a reply carrying xapp-1-A0-zz'],
        deep: { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: 'far down' } } } } } } } } } } },
        user: 'U_GOV',
      },
      'called with xoxp-42-user',
    );
    await expect.poll(() => lines.length).toBe(1);
    const [line] = lines;
    const printed = JSON.stringify(line);
    for (const secret of [
      'top-level-token',
      'xoxb-1',
      'sig"',
      's3cret-bearer',
      'p4ss',
      'xapp-1',
      'xoxp-42',
      'hooks.slack.com',
    ])
      expect(printed).not.toContain(secret);
    expect(line).toMatchObject({
      token: '[redacted]',
      env: { slack: { botToken: '[redacted]', SIGNING_SECRET: '[redacted]' } },
      err: {
        type: 'Error',
        config: { headers: { Authorization: '[redacted]', Accept: 'application/json' } },
      },
      list: [{ Password: '[redacted]' }, 'a reply carrying [redacted]'],
      user: 'U_GOV',
      msg: 'called with [redacted]',
    });
    expect(printed).not.toContain('far down');
  });

  it('scrubs the message pino takes from an error logged without one', async () => {
    const { logger, lines } = capturedLog('info');
    logger.warn(new Error('token xoxb-9-in-message'));
    logger.warn({ err: new Error('url https://hooks.slack.com/actions/x') });
    await expect.poll(() => lines.length).toBe(2);
    expect(lines.map((line) => line.msg)).toEqual(['token [redacted]', 'url [redacted]']);
  });

  it('prints a cycle once and keeps an object seen twice side by side', async () => {
    const { logger, lines } = capturedLog('info');
    const shared = { id: 'r1' };
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    logger.info({ cycle, pair: [shared, shared] }, 'shapes');
    await expect.poll(() => lines.length).toBe(1);
    expect(lines[0]).toMatchObject({ cycle: { name: 'loop', self: '[circular]' }, pair: [shared, shared] });
  });

  it('adds the correlation id of the work it logs for', async () => {
    const { logger, lines } = capturedLog('info');
    logger.info('outside');
    await withCorrelation('cid-1', async () => {
      await Promise.resolve();
      logger.child({ component: 'bolt' }).info('inside');
    });
    await expect.poll(() => lines.length).toBe(2);
    expect(lines.map((line) => [line.msg, line.cid])).toEqual([
      ['outside', undefined],
      ['inside', 'cid-1'],
    ]);
  });
});
