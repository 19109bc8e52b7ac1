import { Redis } from 'ioredis';
import { RedisLedger } from '../../src/adapters/redis/redis-ledger.js';

// The verify benchmark's baseline: a process that reads every stored entry out of Redis, as verify
// does, and does nothing else with them.
const redis = new Redis(process.env.REDIS_URL ?? '');
const ledger = new RedisLedger(redis, process.env.MEC_REDIS_PREFIX ?? '');
let bytes = 0;
for await (const text of ledger.stream()) bytes += text.length;
console.log(`read ${bytes} characters`);
redis.disconnect();
