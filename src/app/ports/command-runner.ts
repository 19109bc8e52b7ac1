/** How a command ended: its exit, or that it ran past its timeout, and the tail of what it printed. */
export interface CommandResult {
  ok: boolean;
  /** `exit 3`, `timed out after 5000 ms`, ...; absent when the command succeeded. */
  failure?: string;
  output: string;
}

/** Runs a command from an argv list, never through a shell, in the release workspace. */
export interface CommandRunner {
  run(argv: readonly [string, ...string[]], timeoutMs: number): Promise<CommandResult>;
}
