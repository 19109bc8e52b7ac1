import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecCommandRunner } from '../../../src/adapters/process/exec-command-runner.js';

const node = (script: string) => ['node', '-e', script] as const;

describe('ExecCommandRunner', () => {
  it('runs a command in the workspace and gives what it printed', async () => {
    const workspace = await realpath(await mkdtemp(join(tmpdir(), 'mec-exec-')));
    const result = await new ExecCommandRunner(workspace).run(node('console.log(process.cwd())'), 10_000);
    expect(result).toEqual({ ok: true, output: workspace });
  });

  it('passes every argument as it is: nothing in it reaches a shell', async () => {
    const argument = '$HOME; echo injected `id` | cat > x';
    const runner = new ExecCommandRunner(tmpdir());
    const result = await runner.run(['node', '-e', 'console.log(process.argv[1])', argument], 10_000);
    expect(result).toEqual({ ok: true, output: argument });
  });

  it('fails with the exit code and what the command printed on both streams', async () => {
    const runner = new ExecCommandRunner(tmpdir());
    const result = await runner.run(
      node('console.log("checked 3"); console.error("schema drift"); process.exit(3)'),
      10_000,
    );
    expect(result).toEqual({ ok: false, failure: 'exit 3', output: 'checked 3\nschema drift' });
  });

  it('kills a command that runs past its timeout, and says so', async () => {
    const runner = new ExecCommandRunner(tmpdir());
    const result = await runner.run(node('setTimeout(() => undefined, 60_000)'), 200);
    expect(result).toEqual({ ok: false, failure: 'timed out after 200 ms', output: '' });
  });

  it('keeps only the tail of a long output', async () => {
    const runner = new ExecCommandRunner(tmpdir());
    const result = await runner.run(node('process.stdout.write("a".repeat(5000) + "END")'), 10_000);
    expect(result.output).toHaveLength(2_000);
    expect(result.output.endsWith('END')).toBe(true);
  });
});
