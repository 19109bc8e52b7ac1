import { type ChildProcess, spawn } from 'node:child_process';

export interface RunningBinary {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs a binary (Prometheus, Alertmanager, redis-server) and resolves once `ready()` says so, or throws
 * with what it printed when it exits first or is not ready within `timeoutMs`.
 */
export async function startBinary(
  command: string,
  args: string[],
  ready: (output: string) => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<RunningBinary> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.resolve(ready(output)).catch(() => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${command} did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, stop };
}

/** A readiness check that an HTTP endpoint answers 200. */
export const answers = (url: string) => async () => (await fetch(url)).ok;
