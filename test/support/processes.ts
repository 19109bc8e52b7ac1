import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';
import { childPort } from './child-port.js';
import { TEST_LEDGER_KEY_PATH } from './ledger-key.js';
import { SIGNING_SECRET } from './slack-requests.js';
import { copyExampleWorkspace } from './workspace.js';

const MAIN = resolve('src/main.ts');
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;

/**
 * How long a bot process may take to answer /healthz. A start is about 1.5 s of CPU (tsx and the
 * module graph); with several starting at once on a loaded 2-core machine it has taken 20 s.
 */
export const PROCESS_START_MS = 60_000;

/**
 * The example config written to a file with every duration in milliseconds (and a watch allowed ten
 * times its duration to make up missed evaluations), for processes that read MEC_CONFIG. `edit`
 * changes the YAML document further.
 */
export async function compressedConfigFile(
  edit: (doc: ReturnType<typeof parseDocument>) => void = () => undefined,
): Promise<string> {
  const doc = parseDocument(await readFile('examples/m6/mec.config.yml', 'utf8'));
  doc.setIn(['smoke', 'duration'], '400ms');
  const steps = doc.getIn(['plan', 'steps']) as {
    items: Array<{ has(key: string): boolean; set(key: string, value: string): void }>;
  };
  for (const step of steps.items) if (step.has('soak')) step.set('soak', '300ms');
  doc.setIn(['plan', 'autoAdvance'], false);
  doc.setIn(['metrics', 'evaluationInterval'], '100ms');
  // 100 ms evaluations come late on a loaded machine: a watch makes up what it missed, not failing blind.
  doc.setIn(['metrics', 'maxExtension'], 10);
  doc.setIn(['jobs', 'notifyInterval'], '0ms');
  doc.setIn(['jobs', 'lockDuration'], '1500ms');
  doc.setIn(['jobs', 'outboxInterval'], '200ms');
  edit(doc);
  const dir = await mkdtemp(join(tmpdir(), 'mec-config-'));
  const path = join(dir, 'mec.config.yml');
  await writeFile(path, doc.toString());
  return path;
}

const ADMIN_URL = /"adminUrl":"(http:\/\/[^"]+)"/;

export interface BotProcess {
  child: ChildProcess;
  port: number;
  /** The public listener: /slack/events, the Alertmanager webhook, /healthz, /readyz. */
  url: string;
  /** The admin listener (loopback): /metrics, /dashboard and the sandbox, as the "up" log line names it. */
  adminUrl: string;
  output(): string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs src/main.ts as its own OS process and waits until it answers /healthz. */
export async function startBotProcess(
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Promise<BotProcess> {
  const port = await childPort();
  const child = spawn('node', ['--import', TSX, MAIN], {
    // The tests' Redis keeps nothing on disk; production's must (main.ts refuses one that doesn't).
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      LOG_LEVEL: 'info',
      MEC_ALLOW_VOLATILE_REDIS: '1',
      // Any free port, which the "up" log line names: a fixed one would collide between test files.
      MEC_ADMIN_PORT: '0',
      MEC_LEDGER_KEY: TEST_LEDGER_KEY_PATH,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + PROCESS_START_MS;
  let adminUrl: string | undefined;
  for (;;) {
    // The admin listener is up, and named, once the "up" line is logged, just after /healthz answers.
    adminUrl = ADMIN_URL.exec(output)?.[1];
    if (
      adminUrl &&
      (await fetch(`${url}/healthz`).then(
        (response) => response.ok,
        () => false,
      ))
    )
      break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the bot process did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    url,
    adminUrl,
    output: () => output,
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A whole bot process (web and workers) on the Redis that `redisUrl` names, its keys under `prefix`,
 * with Slack played by `standIn`; it resolves once /readyz answers 200, which needs every connection,
 * BullMQ's included, up.
 */
export async function startReadyBotOn(
  redisUrl: string,
  prefix: string,
  standIn: { apiUrl: string },
): Promise<BotProcess> {
  const bot = await startBotProcess({
    MEC_CONFIG: await compressedConfigFile(),
    MEC_WORKSPACE: await copyExampleWorkspace(),
    REDIS_URL: redisUrl,
    MEC_REDIS_PREFIX: prefix,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: standIn.apiUrl,
    MEC_ALERT_TOKEN: 'test-alert-token-0123456789',
  });
  const deadline = Date.now() + 30_000;
  while (
    (await fetch(`${bot.url}/readyz`).then(
      (response) => response.status,
      () => 0,
    )) !== 200
  ) {
    if (Date.now() > deadline) {
      await bot.kill('SIGKILL');
      throw new Error(
        `the bot on ${redisUrl.replace(/\/\/[^@/]*@/, '//')} never got ready:\n${bot.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return bot;
}
