import { describe, expect, it } from 'vitest';
import { type Entry, runMode } from '../../src/config/run-mode.js';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123456' };

describe('runMode', () => {
  it.each<[string, Record<string, string>, Entry, boolean]>([
    ['npm start without credentials', {}, 'source', true],
    ['npm start with credentials', SLACK, 'source', false],
    ['the built bot with credentials', SLACK, 'built', false],
    ['the built bot with MEC_SANDBOX=1', { MEC_SANDBOX: '1' }, 'built', true],
    ['NODE_ENV=production with MEC_SANDBOX=1', { NODE_ENV: 'production', MEC_SANDBOX: '1' }, 'source', true],
    ['npm start with an empty token', { SLACK_BOT_TOKEN: '' }, 'source', true],
  ])('runs %s as the sandbox: %s', (_name, env, entry, sandbox) => {
    expect(runMode(env, entry)).toEqual({ ok: true, sandbox });
  });

  it.each<[string, Record<string, string>, Entry]>([
    ['the built bot without credentials', {}, 'built'],
    ['the built bot with MEC_SANDBOX=0', { MEC_SANDBOX: '0' }, 'built'],
    ['npm start with NODE_ENV=production and no credentials', { NODE_ENV: 'production' }, 'source'],
  ])('refuses %s, naming the variables it needs', (_name, env, entry) => {
    const mode = runMode(env, entry);
    expect(mode.ok).toBe(false);
    const problem = mode.ok ? '' : mode.problem;
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'MEC_SANDBOX=1'])
      expect(problem).toContain(name);
  });

  it('refuses MEC_SANDBOX=1 beside a Slack token, which would be ambiguous', () => {
    const mode = runMode({ ...SLACK, MEC_SANDBOX: '1' }, 'built');
    expect(mode).toEqual({ ok: false, problem: expect.stringContaining('env MEC_SANDBOX') });
  });
});
