import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Redis } from 'ioredis';
import type { VerifyCheck } from '../app/ports/rollout-actions.js';
import type { WorkspaceVerifier } from '../app/ports/workspace-verifier.js';
import type { MecConfig } from '../config/config-schema.js';
import { MecError } from '../domain/errors.js';

/** What the verify thread is given: plain data, as a thread takes nothing else. */
export interface VerifyWorkerData {
  config: MecConfig;
  workspace: string;
  prefix: string;
  /** Where the bot's connection goes: its address, credentials and database, not its callbacks. */
  redis: { host: string; port: number; db: number; username?: string; password?: string; tls: boolean };
  verifierKey: string | undefined;
}

/**
 * The verify thread's old-space cap, in MB. The audit streams the ledger in flat memory (a 64 MB heap
 * runs it on a million entries); the cap keeps a bug from growing the bot, as a failed verify instead.
 */
const HEAP_MB = 96;

const ENTRY = new URL(`./verify-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * Runs each verify in a worker thread of its own: its own event loop, heap and Redis connection, so the
 * bot's requests go on while it reads the ledger, and its memory is returned when the thread exits.
 */
export function workerVerifier(options: {
  config: MecConfig;
  workspace: string;
  redis: Redis;
  prefix: string;
  verifierKey: string | undefined;
}): WorkspaceVerifier {
  const { host, port, username, password, db, tls } = options.redis.options;
  const data: VerifyWorkerData = {
    config: options.config,
    workspace: options.workspace,
    prefix: options.prefix,
    redis: {
      host: host ?? 'localhost',
      port: port ?? 6379,
      db: db ?? 0,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      tls: tls !== undefined,
    },
    verifierKey: options.verifierKey,
  };
  return {
    verify: () =>
      new Promise((resolve, reject) => {
        const worker = startWorker(data);
        let answer: { ok: boolean; checks: VerifyCheck[] } | undefined;
        worker.once('message', (message: { ok: boolean; checks: VerifyCheck[] }) => {
          answer = message;
        });
        worker.once('error', reject);
        worker.once('exit', (code) =>
          answer
            ? resolve(answer)
            : reject(
                new MecError(
                  'invariant_violated',
                  `the verify thread exited with code ${code} and no answer`,
                ),
              ),
        );
      }),
  };
}

function startWorker(data: VerifyWorkerData): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: HEAP_MB };
  if (ENTRY.pathname.endsWith('.js')) return new Worker(ENTRY, { workerData: data, resourceLimits });
  // Run from source (tsx, the tests): the thread registers tsx's loader before it imports the entry.
  const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(ENTRY.href)}); })`;
  return new Worker(code, { eval: true, workerData: data, resourceLimits });
}
