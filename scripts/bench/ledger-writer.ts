import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { RedisLedger } from '../../src/adapters/redis/redis-ledger.js';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import { bodyOf } from './ledger-fixture.js';

// One writer process of the ledger benchmark: appends COUNT entries, INFLIGHT at a time, through the
// real RedisLedger adapter (MODE=ledger) or as plain RPUSHes of the same body texts (MODE=rpush, the
// baseline). It says "ready" once connected and warm, starts on "go" from stdin, and prints its
// wall-clock start and end in ms since the epoch.
const count = Number(process.env.COUNT);
const inflight = Number(process.env.INFLIGHT);
const mode = process.env.MODE;
const writer = process.env.WRITER ?? 'w';
const prefix = process.env.MEC_REDIS_PREFIX ?? '';
const redis = new Redis(process.env.REDIS_URL ?? '');
const ledger = new RedisLedger(redis, prefix);
const key = redisKeys(prefix).ledgerEntries;
const bodies = Array.from({ length: count }, (_, i) => ({ ...bodyOf(i + 1), actor: `${writer}${i}` }));
const append =
  mode === 'ledger'
    ? (i: number) => ledger.append(bodies[i] as (typeof bodies)[number])
    : (i: number) => redis.rpush(`${key}:raw`, canonicalJson(bodies[i]));
// Warm: the scripts loaded and the head known, so the measured appends are the steady state.
await (mode === 'ledger' ? ledger.append({ ...bodyOf(0), actor: `${writer}-warm` }) : redis.ping());
console.log('ready');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === 'go') break;
const epochMs = () => performance.timeOrigin + performance.now();
const startMs = epochMs();
let next = 0;
const lane = async () => {
  while (next < count) await append(next++);
};
await Promise.all(Array.from({ length: inflight }, lane));
console.log(JSON.stringify({ startMs, endMs: epochMs(), count }));
redis.disconnect();
lines.close();
