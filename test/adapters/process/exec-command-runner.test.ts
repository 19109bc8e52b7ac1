import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecCommandRunner } from '../../../src/adapters/process/exec-command-runner.js';

const PARENT = {
  PATH: process.env.PATH,
  HOME: '/home/mec',
  CI_TOKEN: 'ci-token-value',
  SLACK_BOT_TOKEN: 'xoxb-secret-8812',
  UNRELATED: 'unrelated-value',
};

const printEnv = ['node', '-e', 'console.log(JSON.stringify(process.env))'] as const;

async function runner(secrets: readonly string[] = []) {
  const workspace = await mkdtemp(join(tmpdir(), 'mec-exec-'));
  return new ExecCommandRunner(workspace, { parent: PARENT, secrets });
}

describe('ExecCommandRunner', () => {
  it.each([
    { names: [], expected: ['HOME', 'PATH'] },
    { names: ['CI_TOKEN'], expected: ['CI_TOKEN', 'HOME', 'PATH'] },
    { names: ['CI_TOKEN', 'NOT_SET_ANYWHERE'], expected: ['CI_TOKEN', 'HOME', 'PATH'] },
  ])('gives a command PATH, HOME and what it names ($names), nothing else', async ({ names, expected }) => {
    const result = await (await runner()).run(printEnv, { timeoutMs: 10_000, env: names });
    expect(result.ok).toBe(true);
    const env = JSON.parse(result.output) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual(expected);
    expect(env.HOME).toBe('/home/mec');
    if (names.includes('CI_TOKEN')) expect(env.CI_TOKEN).toBe('ci-token-value');
  });

  it.each([
    ['stdout', 'console.log("token=" + process.argv[1])'],
    ['stderr', 'console.error("token=" + process.argv[1]); process.exit(4)'],
  ])('replaces each secret it was given with [redacted] in %s', async (_, script) => {
    const secrets = ['xoxb-secret-8812', 'hunter2'];
    const result = await (await runner(secrets)).run(['node', '-e', script, 'xoxb-secret-8812 hunter2'], {
      timeoutMs: 10_000,
      env: [],
    });
    expect(result.output).toBe('token=[redacted] [redacted]');
  });

  it('scrubs a secret the command was given through its env list', async () => {
    const result = await (await runner(['xoxb-secret-8812'])).run(
      ['node', '-e', 'console.log(process.env.SLACK_BOT_TOKEN)'],
      { timeoutMs: 10_000, env: ['SLACK_BOT_TOKEN'] },
    );
    expect(result).toEqual({ ok: true, output: '[redacted]' });
  });
});

const node = (script: string) => ['node', '-e', script] as const;

describe('ExecCommandRunner', () => {
  it('runs a command in the workspace and gives what it printed', async () => {
    const workspace = await realpath(await mkdtemp(join(tmpdir(), 'mec-exec-')));
    const result = await new ExecCommandRunner(workspace, { parent: {}, secrets: [] }).run(
      node('console.log(process.cwd())'),
      { timeoutMs: 10_000, env: [] },
    );
    expect(result).toEqual({ ok: true, output: workspace });
  });

  it('passes every argument as it is: nothing in it reaches a shell', async () => {
    const argument = '$HOME; echo injected `id` | cat > x';
    const runner = new ExecCommandRunner(tmpdir(), { parent: {}, secrets: [] });
    const result = await runner.run(['node', '-e', 'console.log(process.argv[1])', argument], {
      timeoutMs: 10_000,
      env: [],
    });
    expect(result).toEqual({ ok: true, output: argument });
  });

  it('fails with the exit code and what the command printed on both streams', async () => {
    const runner = new ExecCommandRunner(tmpdir(), { parent: {}, secrets: [] });
    const result = await runner.run(
      node('console.log("checked 3"); console.error("schema drift"); process.exit(3)'),
      { timeoutMs: 10_000, env: [] },
    );
    expect(result).toEqual({ ok: false, failure: 'exit 3', output: 'checked 3\nschema drift' });
  });

  it('kills a command that runs past its timeout, and says so', async () => {
    const runner = new ExecCommandRunner(tmpdir(), { parent: {}, secrets: [] });
    const result = await runner.run(node('setTimeout(() => undefined, 60_000)'), { timeoutMs: 200, env: [] });
    expect(result).toEqual({ ok: false, failure: 'timed out after 200 ms', output: '' });
  });

  it('keeps only the tail of a long output', async () => {
    const runner = new ExecCommandRunner(tmpdir(), { parent: {}, secrets: [] });
    const result = await runner.run(node('process.stdout.write("a".repeat(5000) + "END")'), {
      timeoutMs: 10_000,
      env: [],
    });
    expect(result.output).toHaveLength(2_000);
    expect(result.output.endsWith('END')).toBe(true);
  });
});
