import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { startLocalRedis } from '../src/infra/local-redis-server.js';
import { SlackApiStandIn } from '../src/sandbox/slack-api-stand-in.js';
import { childPort } from './support/child-port.js';
import { TEST_LEDGER_KEY_PATH } from './support/ledger-key.js';
import { PROCESS_START_MS } from './support/processes.js';
import { commandFields, postForm, SIGNING_SECRET } from './support/slack-requests.js';
import { copyExampleWorkspace } from './support/workspace.js';

const MAIN = resolve('src/main.ts');
// tsx by absolute path, so the sandbox test can run main from a directory outside the project.
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
const CONFIG = resolve('examples/m6/mec.config.yml');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startMain(env: Record<string, string>, cwd: string): Started {
  const child = spawn('node', ['--import', TSX, MAIN], {
    cwd,
    // Any free admin port, named by the "up" log line: the default would collide between tests.
    env: { PATH: process.env.PATH, MEC_ADMIN_PORT: '0', MEC_LEDGER_KEY: TEST_LEDGER_KEY_PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** The admin listener's URL from the "up" log line, once it is logged. */
async function adminUrlOf(started: Started): Promise<string> {
  await expect.poll(() => ADMIN_URL.exec(started.output())?.[1], { timeout: PROCESS_START_MS }).toBeDefined();
  return ADMIN_URL.exec(started.output())?.[1] as string;
}
const ADMIN_URL = /"adminUrl":"(http:\/\/[^"]+)"/;

/** A held port, so that a bot which began to listen before refusing would fail with EADDRINUSE. */
async function heldPort(): Promise<number> {
  const held = createServer();
  await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => held.close(() => resolve())));
  return (held.address() as AddressInfo).port;
}

/** An address of this machine other than loopback, if it has one. */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
}

async function waitFor(url: string, started: Started): Promise<Response> {
  const deadline = Date.now() + PROCESS_START_MS;
  while (Date.now() < deadline) {
    const response = await fetch(url).catch(() => undefined);
    if (response) return response;
    if (started.child.exitCode !== null) throw new Error(`main exited early:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered:\n${started.output()}`);
}

/** Polls /readyz until it answers 200: Slack (the sandbox's too) connects in the background after start. */
async function waitForReady(url: string, started: Started): Promise<Response> {
  const deadline = Date.now() + PROCESS_START_MS;
  for (;;) {
    const response = await waitFor(url, started);
    if (response.status === 200 || Date.now() > deadline) return response;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Each test gets 60 s: it starts main.ts, which takes up to 20 s on a loaded 2-core machine.
describe('main', () => {
  it('exits non-zero before anything starts when the config is bad, listing every problem', async () => {
    // The test holds the port, so a bot that began to listen before reading its config would fail with
    // EADDRINUSE. A port probed after the exit could by then belong to another test's server.
    const held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => held.close(() => resolve())));
    const port = (held.address() as AddressInfo).port;
    const started = startMain(
      { PORT: String(port), MEC_CONFIG: '/nonexistent.yml', MEC_ROLE: 'both' },
      process.cwd(),
    );
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('mec-bot did not start');
    expect(started.output()).toContain('env MEC_ROLE');
    expect(started.output()).toContain('MEC_CONFIG /nonexistent.yml: cannot be read');
    expect(started.output()).not.toContain('EADDRINUSE');
  }, 60_000);

  it('refuses, with Slack credentials, a Redis that keeps nothing on disk, unless told to allow it', async () => {
    const port = await childPort();
    const env = {
      PORT: String(port),
      MEC_CONFIG: CONFIG,
      MEC_WORKSPACE: await copyExampleWorkspace(),
      REDIS_URL: inject('redisUrl'),
      MEC_REDIS_PREFIX: `test:main-volatile:${port}:`,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    };
    const refused = startMain(env, process.cwd());
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain('keeps nothing on disk (appendonly no, save "")');
    expect(refused.output()).toContain('set MEC_ALLOW_VOLATILE_REDIS=1');
    expect(refused.output()).not.toContain('xoxb-test-token');
  }, 60_000);

  it('serves /healthz and /readyz against REDIS_URL and stops cleanly on SIGTERM', async () => {
    const port = await childPort();
    const started = startMain(
      {
        PORT: String(port),
        MEC_CONFIG: CONFIG,
        MEC_WORKSPACE: await copyExampleWorkspace(),
        REDIS_URL: inject('redisUrl'),
        MEC_REDIS_PREFIX: `test:main:${port}:`,
      },
      process.cwd(),
    );
    expect((await waitFor(`http://127.0.0.1:${port}/healthz`, started)).status).toBe(200);
    const ready = await waitForReady(`http://127.0.0.1:${port}/readyz`, started);
    expect(ready.status).toBe(200);
    // Ready does not wait for Slack (here the sandbox's stand-in), which connects in the background.
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).json(), {
        timeout: PROCESS_START_MS,
      })
      .toEqual({ ok: true, detail: { redis: 'ok', workers: 'running', slack: 'ok' } });
    // The private pages are on the admin listener, on loopback, and the public port refuses them.
    const adminUrl = await adminUrlOf(started);
    expect(adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.output()).toContain(`open ${adminUrl}/sandbox`);
    for (const path of ['/metrics', '/dashboard', '/sandbox']) {
      expect((await fetch(`http://127.0.0.1:${port}${path}`)).status, `public ${path}`).toBe(404);
      expect((await fetch(`${adminUrl}${path}`)).status, `admin ${path}`).toBe(200);
    }
    expect(await (await fetch(`${adminUrl}/metrics`)).text()).toContain('# TYPE');
    for (const path of ['/healthz', '/readyz'])
      expect((await fetch(`${adminUrl}${path}`)).status, `admin ${path}`).toBe(404);
    const outside = outsideAddress();
    if (outside) {
      const adminPort = new URL(adminUrl).port;
      await expect(fetch(`http://${outside}:${adminPort}/metrics`)).rejects.toThrow();
      expect((await fetch(`http://${outside}:${port}/healthz`)).status).toBe(200);
    }
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    expect(started.output()).toContain('"msg":"stopped"');
  }, 60_000);

  it('exits with status 1 when a stop cannot finish, saying why: here its Redis is gone', async () => {
    const localRedis = await startLocalRedis();
    onTestFinished(() => localRedis.stop());
    const port = await childPort();
    const started = startMain(
      {
        PORT: String(port),
        MEC_CONFIG: CONFIG,
        MEC_WORKSPACE: await copyExampleWorkspace(),
        REDIS_URL: localRedis.url,
        MEC_SHUTDOWN_TIMEOUT_MS: '2000',
      },
      process.cwd(),
    );
    expect((await waitForReady(`http://127.0.0.1:${port}/readyz`, started)).status).toBe(200);
    await localRedis.stop();
    const stoppedAt = Date.now();
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(1);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1_900);
    expect(started.output()).toContain('shutdown did not finish in time');
  }, 60_000);

  it('runs as a sandbox without REDIS_URL: its own redis-server, a copy of the example workspace', async () => {
    const port = await childPort();
    const cwd = await mkdtemp(join(tmpdir(), 'mec-sandbox-'));
    const { cp } = await import('node:fs/promises');
    await cp('examples', join(cwd, 'examples'), { recursive: true });
    // The demo config names no verifier key, and no MEC_LEDGER_KEY is given: the sandbox makes its own.
    const demo = resolve('examples/m6/mec.demo.yml');
    const started = startMain({ PORT: String(port), MEC_CONFIG: demo, MEC_LEDGER_KEY: '' }, cwd);
    expect((await waitForReady(`http://127.0.0.1:${port}/readyz`, started)).status).toBe(200);
    const key = await stat(join(cwd, '.mec-sandbox/ledger-key.pem'));
    expect(key.mode & 0o777).toBe(0o600);
    const redisUrl = /"redisUrl":"(redis:\/\/[^"]+)"/.exec(started.output())?.[1];
    expect(redisUrl).toBeDefined();
    expect(started.output()).toContain('copied the example workspace for the sandbox');
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    const redisPort = Number(new URL(redisUrl as string).port);
    const { Redis } = await import('ioredis');
    const probe = new Redis(redisPort, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    await expect(probe.connect()).rejects.toThrow();
    probe.disconnect();
  }, 60_000);

  it('serves Slack on POST /slack/events with the HTTP receiver when credentials are given', async () => {
    const standIn = new SlackApiStandIn();
    await standIn.start();
    const port = await childPort();
    const started = startMain(
      {
        PORT: String(port),
        MEC_CONFIG: CONFIG,
        MEC_WORKSPACE: await copyExampleWorkspace(),
        REDIS_URL: inject('redisUrl'),
        MEC_REDIS_PREFIX: `test:main-slack:${port}:`,
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: standIn.apiUrl,
        // The test's Redis keeps nothing on disk; see the refusal test below.
        MEC_ALLOW_VOLATILE_REDIS: '1',
      },
      process.cwd(),
    );
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`, started);
      const url = `http://127.0.0.1:${port}/slack/events`;
      const forged = await postForm(url, commandFields('help', 'U0RELEASEMGR', standIn.responseUrl('m0')), {
        secret: 'wrong',
      });
      expect(forged.status).toBe(401);
      const help = await postForm(url, commandFields('help', 'U0RELEASEMGR', standIn.responseUrl('m1')));
      expect(help.status).toBe(200);
      const reply = await standIn.waitFor(
        (call) => call.method === 'response_url' && call.args.id === 'm1',
        15_000,
      );
      expect(String(reply.args.text)).toContain('mec-bot commands');
      expect(started.output()).toContain('"slack":"HTTP /slack/events"');
      expect(started.output()).not.toContain(SIGNING_SECRET);
      expect(started.output()).not.toContain('xoxb-test-token');
    } finally {
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
      await standIn.stop();
    }
  }, 60_000);

  it('refuses to start outside the sandbox without the ledger key, or with a key the config does not name', async () => {
    const env = {
      PORT: String(await childPort()),
      MEC_CONFIG: CONFIG,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret-for-tests',
      REDIS_URL: inject('redisUrl'),
    };
    const missing = startMain({ ...env, MEC_LEDGER_KEY: '' }, process.cwd());
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toContain('env MEC_LEDGER_KEY: is not set');
    const other = join(await mkdtemp(join(tmpdir(), 'mec-key-')), 'other.pem');
    const { generateKeyPairSync } = await import('node:crypto');
    await writeFile(
      other,
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    const wrong = startMain({ ...env, MEC_LEDGER_KEY: other }, process.cwd());
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toContain('is not the key of ledger.publicKey');
    expect(wrong.output()).not.toContain('PRIVATE KEY');
  }, 60_000);

  it('refuses to start with NODE_ENV=production and no Slack credentials, naming what it needs', async () => {
    const port = await heldPort();
    const started = startMain(
      { PORT: String(port), NODE_ENV: 'production', REDIS_URL: inject('redisUrl') },
      process.cwd(),
    );
    expect(await started.exited).toBe(1);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'MEC_SANDBOX=1'])
      expect(started.output()).toContain(name);
    expect(started.output()).not.toContain('EADDRINUSE');
    expect(started.output()).not.toContain('mec.demo.yml');
  }, 60_000);

  it('runs the sandbox with NODE_ENV=production when MEC_SANDBOX=1 asks for it', async () => {
    const port = await childPort();
    const started = startMain(
      {
        PORT: String(port),
        NODE_ENV: 'production',
        MEC_SANDBOX: '1',
        MEC_WORKSPACE: await copyExampleWorkspace(),
        REDIS_URL: inject('redisUrl'),
        MEC_REDIS_PREFIX: `test:main-sandbox:${port}:`,
      },
      process.cwd(),
    );
    try {
      const adminUrl = await adminUrlOf(started);
      expect((await fetch(`${adminUrl}/sandbox`)).status).toBe(200);
      expect(started.output()).toContain('"slack":"sandbox"');
      expect(started.output()).toMatch(/"config":"[^"]*mec\.demo\.yml"/);
    } finally {
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
    }
  }, 60_000);
});
