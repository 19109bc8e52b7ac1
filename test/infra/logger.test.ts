import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

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
