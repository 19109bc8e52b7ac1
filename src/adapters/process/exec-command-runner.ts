import { execFile } from 'node:child_process';
import type { CommandResult, CommandRunner } from '../../app/ports/command-runner.js';

const OUTPUT_LIMIT = 2_000;

/** Runs pre-flight commands as child processes of this one, in the release workspace. */
export class ExecCommandRunner implements CommandRunner {
  readonly #cwd: string;

  constructor(cwd: string) {
    this.#cwd = cwd;
  }

  run([file, ...args]: readonly [string, ...string[]], timeoutMs: number): Promise<CommandResult> {
    return new Promise((resolve) => {
      // execFile with no shell: the argv is passed as it is, and nothing in it is interpreted.
      execFile(
        file,
        args,
        { cwd: this.#cwd, timeout: timeoutMs, shell: false, maxBuffer: 1_000_000 },
        (error, stdout, stderr) => {
          const output = `${stdout}${stderr}`.trim().slice(-OUTPUT_LIMIT);
          if (!error) return resolve({ ok: true, output });
          const failure = error.killed
            ? `timed out after ${timeoutMs} ms`
            : `exit ${error.code ?? error.signal ?? error.message}`;
          resolve({ ok: false, failure, output });
        },
      );
    });
  }
}
