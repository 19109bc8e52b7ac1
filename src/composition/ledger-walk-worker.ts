import { parentPort, workerData } from 'node:worker_threads';
import { RedisLedger } from '../adapters/redis/redis-ledger.js';
import type { PrefixWalk } from '../app/ports/ledger-prefix-walker.js';
import { walkLedgerPrefix } from '../app/walk-ledger-prefix.js';
import { redisUrlSecrets } from '../config/secret-values.js';
import { scrubSecrets } from '../infra/scrub-secrets.js';
import { openRedis } from './open-redis.js';
import type { ThreadReply } from './run-in-thread.js';
import type { LedgerWalkData } from './thread-ledger-walker.js';

// The entry of the thread `threadLedgerWalker` starts: one walk on its own connection, its end posted.
const data = workerData as LedgerWalkData;
// The connection string and its password, as written and decoded: no answer of the thread may carry any.
const secrets = [data.redisUrl, ...redisUrlSecrets(data.redisUrl)];
const redis = openRedis(data.redisUrl, { maxRetriesPerRequest: 2 });
// A refused connection fails the commands, which is what rejects the walk; no unhandled event too.
redis.on('error', () => undefined);
let reply: ThreadReply<PrefixWalk>;
try {
  reply = { ok: true, value: await walkLedgerPrefix(new RedisLedger(redis, data.prefix), data.size) };
} catch (error) {
  reply = { ok: false, message: scrubSecrets(String((error as Error).message ?? error), secrets) };
} finally {
  redis.disconnect();
}
parentPort?.postMessage(reply);
