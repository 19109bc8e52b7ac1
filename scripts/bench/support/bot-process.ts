import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { childPort } from '../../../test/support/child-port.js';
import { TEST_LEDGER_KEY_PATH } from '../../../test/support/ledger-key.js';

const MAIN = resolve('dist/main.js');
const ADMIN_URL = /"adminUrl":"(http:\/\/[^"]+)"/;
const START_MS = 60_000;

export interface BenchProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** The bot's admin listener (/metrics, /dashboard); undefined for a process that has none. */
  adminUrl: string | undefined;
  /** Milliseconds from spawn to the first 200 from `readyPath`. */
  readyMs: number;
  output(): string;
  /** User plus system CPU the process has used so far, in milliseconds (from /proc). */
  cpuMs(): Promise<number>;
  /** Resident set size now, in MB (from /proc). */
  rssMb(): Promise<number>;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = 100;

async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

async function rssMbOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/**
 * Spawns a Node program (the built bot by default) and waits until `readyPath` answers 200, timing
 * spawn → ready. The environment is only what is given, plus PATH.
 */
export async function startProcess(options: {
  env: Record<string, string>;
  script?: string;
  nodeArgs?: string[];
  readyPath?: string;
  node?: string;
}): Promise<BenchProcess> {
  const port = Number(options.env.PORT ?? (await childPort()));
  const started = performance.now();
  const child = spawn(
    options.node ?? process.execPath,
    [...(options.nodeArgs ?? []), options.script ?? MAIN],
    {
      env: { PATH: process.env.PATH ?? '', ...options.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_MS;
  for (;;) {
    const ok = await fetch(`${url}${options.readyPath ?? '/readyz'}`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.script ?? MAIN} did not get ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - started;
  const pid = child.pid as number;
  return {
    child,
    pid,
    url,
    adminUrl: ADMIN_URL.exec(output)?.[1],
    readyMs,
    output: () => output,
    cpuMs: () => cpuMsOf(pid),
    rssMb: () => rssMbOf(pid),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The environment a built bot needs beside Redis and Slack: the test ledger key, loud logs off. */
export const BOT_ENV = {
  LOG_LEVEL: 'warn',
  MEC_ALLOW_VOLATILE_REDIS: '1',
  MEC_ADMIN_PORT: '0',
  MEC_LEDGER_KEY: TEST_LEDGER_KEY_PATH,
} as const;
