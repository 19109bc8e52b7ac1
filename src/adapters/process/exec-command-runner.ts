import { execFile } from 'node:child_process';
import type { CommandOptions, CommandResult, CommandRunner } from '../../app/ports/command-runner.js';
import { scrubSecrets } from '../../infra/scrub-secrets.js';

const OUTPUT_LIMIT = 2_000;

/** Variables every command gets, so it can find its interpreter and its home. */
const ALWAYS_PASSED = ['PATH', 'HOME'] as const;

/** What commands may be given from the bot's environment, and what their output is scrubbed of. */
export interface CommandEnvironment {
  /** The bot's own environment, to pick each command's variables from. */
  parent: Readonly<Record<string, string | undefined>>;
  /** Every secret value the bot holds; each one in a command's output becomes `[redacted]`. */
  secrets: readonly string[];
}

/**
 * Runs pre-flight commands as child processes of this one, in the release workspace. A child gets PATH,
 * HOME and the variables its config names, nothing else of the bot's environment.
 */
export class ExecCommandRunner implements CommandRunner {
  readonly #cwd: string;
  readonly #environment: CommandEnvironment;

  constructor(cwd: string, environment: CommandEnvironment) {
    this.#cwd = cwd;
    this.#environment = environment;
  }

  run([file, ...args]: readonly [string, ...string[]], options: CommandOptions): Promise<CommandResult> {
    const { timeoutMs } = options;
    const env = this.#childEnv(options.env);
    return new Promise((resolve) => {
      // execFile with no shell: the argv is passed as it is, and nothing in it is interpreted.
      execFile(
        file,
        args,
        { cwd: this.#cwd, env, timeout: timeoutMs, shell: false, maxBuffer: 1_000_000 },
        (error, stdout, stderr) => {
          // Scrubbed before the tail is cut, so a secret cut in half at the edge cannot slip through.
          const output = scrubSecrets(`${stdout}${stderr}`, this.#environment.secrets)
            .trim()
            .slice(-OUTPUT_LIMIT);
          if (!error) return resolve({ ok: true, output });
          const failure = error.killed
            ? `timed out after ${timeoutMs} ms`
            : `exit ${error.code ?? error.signal ?? scrubSecrets(error.message, this.#environment.secrets)}`;
          resolve({ ok: false, failure, output });
        },
      );
    });
  }

  #childEnv(names: readonly string[]): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of [...ALWAYS_PASSED, ...names]) {
      const value = this.#environment.parent[name];
      if (value !== undefined) env[name] = value;
    }
    return env;
  }
}
