import type { Redis } from 'ioredis';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { GENESIS_HASH, ledgerEntryHash } from '../../src/domain/ledger-entry.js';
import { parseStoredEntry, storedEntryText } from '../../src/domain/stored-entry.js';

/** The stored texts of the ledger, rewritten by `change` and chained and hashed again from the genesis. */
async function rehashed(redis: Redis, prefix: string, change: (bodyText: string, seq: number) => string) {
  const key = redisKeys(prefix).ledgerEntries;
  let prevHash = GENESIS_HASH;
  const texts = (await redis.lrange(key, 0, -1)).map((text, index) => {
    const bodyText = change(parseStoredEntry(text)?.bodyText ?? '', index + 1);
    const hash = ledgerEntryHash(index + 1, prevHash, bodyText);
    const out = storedEntryText(index + 1, prevHash, hash, bodyText);
    prevHash = hash;
    return out;
  });
  await redis.del(key);
  await redis.rpush(key, ...texts);
  await redis.hset(redisKeys(prefix).ledgerHead, 'hash', prevHash);
}

/**
 * Ways a ledger of 4 entries (actors U_RM0 to U_RM3) is changed under a checkpoint of all 4, each with
 * what the anchor says of it. Only the first keeps the chain whole: the root is what shows it.
 */
export const TAMPERINGS: [string, (redis: Redis, prefix: string) => Promise<unknown>, RegExp][] = [
  [
    'entry #2 rewritten and the chain hashed again after it',
    (redis, prefix) =>
      rehashed(redis, prefix, (text, seq) => (seq === 2 ? text.replace('U_RM1', 'U_MALLORY') : text)),
    /the ledger's first 4 entries no longer hash to the root of its last signed checkpoint: Redis was rewritten/,
  ],
  [
    'entry #2 edited in place',
    async (redis, prefix) => {
      const key = redisKeys(prefix).ledgerEntries;
      await redis.lset(key, 1, ((await redis.lindex(key, 1)) as string).replace('U_RM1', 'U_MALLORY'));
    },
    /entry #2 was changed after it was written \(hash_mismatch\)/,
  ],
  [
    'the list cut short under a head that still says 4',
    (redis, prefix) => redis.rpop(redisKeys(prefix).ledgerEntries),
    /the ledger head says 4 entries, but its list ends at #3/,
  ],
  [
    'entry #2 taken out of the list',
    async (redis, prefix) => {
      const key = redisKeys(prefix).ledgerEntries;
      await redis.lrem(key, 1, (await redis.lindex(key, 1)) as string);
    },
    /expected entry #2 but found #3 \(seq_gap\)/,
  ],
];
