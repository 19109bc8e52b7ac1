import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { verifyWorkspace } from '../app/verify-workspace.js';
import { loggingPublisher, rolloutContext } from './rollout-context.js';
import type { VerifyWorkerData } from './worker-verifier.js';

// The entry of the thread `workerVerifier` starts: one verify on its own connection, its answer posted.
const data = workerData as VerifyWorkerData;
const { host, port, db, username, password, tls } = data.redis;
const redis = new Redis(port, host, {
  db,
  maxRetriesPerRequest: 2,
  ...(username ? { username } : {}),
  ...(password ? { password } : {}),
  ...(tls ? { tls: {} } : {}),
});
// A refused connection fails the commands, which is what rejects the verify; no unhandled event too.
redis.on('error', () => undefined);
try {
  const logger = pino({ level: 'warn' });
  const ctx = rolloutContext(
    {
      config: data.config,
      workspace: data.workspace,
      redis,
      prefix: data.prefix,
      logger,
      ...(data.verifierKey ? { ledgerVerifierKey: data.verifierKey } : {}),
    },
    loggingPublisher(logger),
    { run: async () => undefined },
  );
  const { ok, checks } = await verifyWorkspace(ctx);
  parentPort?.postMessage({ ok, checks });
} finally {
  redis.disconnect();
}
