import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { verifyWorkspace } from '../app/verify-workspace.js';
import { redisUrlSecrets } from '../config/secret-values.js';
import { scrubSecrets } from '../infra/scrub-secrets.js';
import { openRedis } from './open-redis.js';
import { loggingPublisher, rolloutContext } from './rollout-context.js';
import type { ThreadReply } from './run-in-thread.js';
import type { VerifyWorkerData } from './worker-verifier.js';

// The entry of the thread `workerVerifier` starts: one verify on its own connection, its answer posted.
const data = workerData as VerifyWorkerData;
// The connection string and its password, as written and decoded: no answer of the thread may carry
// any. Not `new URL`: a unix socket's path, which ioredis takes, is no URL.
const secrets = [data.redisUrl, ...redisUrlSecrets(data.redisUrl)];
const redis = openRedis(data.redisUrl, { maxRetriesPerRequest: 2 });
// A refused connection fails the commands, which is what rejects the verify; no unhandled event too.
redis.on('error', () => undefined);
let reply: ThreadReply<{ ok: boolean; checks: unknown[] }>;
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
  reply = { ok: true, value: { ok, checks } };
} catch (error) {
  reply = { ok: false, message: scrubSecrets(String((error as Error).message ?? error), secrets) };
} finally {
  redis.disconnect();
}
parentPort?.postMessage(reply);
