/** How a command ended: its exit, or that it ran past its timeout, and the tail of what it printed. */
export interface CommandResult {
  ok: boolean;
  /** `exit 3`, `timed out after 5000 ms`, ...; absent when the command succeeded. */
  failure?: string;
  /** The tail of what the command printed, with every secret the bot holds replaced by `[redacted]`. */
  output: string;
}

/** What one command is run with. */
export interface CommandOptions {
  /** Milliseconds before the command is killed. */
  timeoutMs: number;
  /** Names of the variables the command gets from the bot's environment, beyond PATH and HOME. */
  env: readonly string[];
}

/** Runs a command from an argv list, never through a shell, in the release workspace. */
export interface CommandRunner {
  run(argv: readonly [string, ...string[]], options: CommandOptions): Promise<CommandResult>;
}
