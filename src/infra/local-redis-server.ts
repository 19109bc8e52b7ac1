import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MecError } from '../domain/errors.js';
import { freePort } from './free-port.js';

export interface LocalRedisOptions {
  /** Keep an append-only file so a restart on the same `dir` recovers the data. Default false. */
  appendOnly?: boolean;
  /** Data directory; a fresh temporary one (removed on stop) when omitted. */
  dir?: string;
  /** Port to listen on; a free one when omitted. */
  port?: number;
}

export interface LocalRedis {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

/**
 * Starts a private `redis-server` on 127.0.0.1 that belongs to this process alone: the tests and the
 * local sandbox use it so that nothing depends on a Redis that happens to be running.
 */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'mec-redis-')));
  await mkdir(dir, { recursive: true });
  // A port found free can be taken before redis binds it, so a failed start is retried on a new one.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      const child = await spawnRedis(port, dir, options.appendOnly ?? false);
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        dir,
        stop: async () => {
          await stopChild(child);
          if (ownsDir) await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      if (attempt >= 3 || options.port !== undefined) throw error;
    }
  }
}

function spawnRedis(port: number, dir: string, appendOnly: boolean): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
    '--loglevel',
    'notice',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(
      () => fail(`redis-server did not start within ${READY_TIMEOUT_MS} ms`),
      READY_TIMEOUT_MS,
    );
    const fail = (message: string, cause?: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new MecError('local_redis_failed', `${message}\n${output}`.trim(), cause ? { cause } : {}));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', (error) =>
      fail(
        `could not run redis-server (${error.message}); install it with: apt-get install -y redis-server`,
        error,
      ),
    );
    child.once('exit', (code) => fail(`redis-server exited with code ${code} before it was ready`));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
